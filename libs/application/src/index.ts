export * from './application.errors';
export * from './clock';
export * from './ledger-command-handler';
export * from './stream-reader';
export * from './command-settlement';
export * from './claim-settler';
