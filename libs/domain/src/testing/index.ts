export * from './fixtures';
export * from './given';
export * from './world';
