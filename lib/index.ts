export * from './core';
export * from './golden-ami';
export * from './launch';
export * from './snapshots';
export * from './multi-attach';
export * from './eip-failover';
