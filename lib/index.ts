export * from './core';
export * from './golden-ami';
export * from './snapshots';
export * from './eip-failover';
