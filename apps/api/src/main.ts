import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ledgerConfigFromEnv, logFatal } from '@chip-ledger/runtime';
import { startServer } from './start-server';

const start = async (): Promise<void> => {
  const config = ledgerConfigFromEnv();
  await startServer(config);
  const store = config.eventStoreConnectionString ? 'EventStoreDB' : `embedded store in ${config.dataDir}`;
  new Logger('chip-ledger').log(`Listening on http://localhost:${config.port} (API docs at /docs) on the ${store}`);
};

start().catch((error: unknown) => {
  logFatal('Could not start', error);
  process.exit(1);
});
