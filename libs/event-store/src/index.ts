export * from './event-store.port';
export * from './event-store.errors';
export * from './event-envelope';
export * from './position';
export * from './sqlite/sqlite-event-store';
export * from './esdb/esdb-event-store';
export * from './sqlite/sqlite-storage-errors';
export * from './command-claims';
