import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ledgerConfigFromEnv } from '@chip-ledger/runtime';
import { startServer } from './start-server';

const config = ledgerConfigFromEnv();
const logger = new Logger('chip-ledger');

startServer(config).then(
  () => {
    const store = config.eventStoreConnectionString ? 'EventStoreDB' : `embedded store in ${config.dataDir}`;
    logger.log(`Listening on http://localhost:${config.port} (API docs at /docs) on the ${store}`);
  },
  (error: unknown) => {
    logger.error(`Could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
