export * from './backup';
export * from './cluster';
export * from './filesystem';
export * from './volume';
