export * from './read-model-db';
export * from './read-model.types';
export * from './read-model-projector';
export * from './projection-runner';
export * from './ledger-queries';
