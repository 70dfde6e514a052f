// Public part of the shared layer. Validation and key helpers are internal (imported by path).
export * from './managed-policy-role';
export { SecureKey } from './encryption';
export type { ManagedKeyOptions } from './encryption';
export * from './secure-vpc';
export * from './hardened-node';
export * from './launch-time-image';
