export * from './core';
export * from './golden-ami';
export * from './eip-failover';
