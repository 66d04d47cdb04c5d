import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openEsdbEventStore, openSqliteEventStore } from '@chip-ledger/event-store';
import type { EventStore } from '@chip-ledger/event-store';
import type { LedgerConfig } from './ledger-config';

/** EventStoreDB when a connection string is configured, else the embedded store in the data directory. */
export const openEventStore = (config: LedgerConfig): EventStore => {
  if (config.eventStoreConnectionString) return openEsdbEventStore({ connectionString: config.eventStoreConnectionString });
  mkdirSync(config.dataDir, { recursive: true });
  // Concurrent requests' appends share a transaction (group commit): one commit, and one sync, per turn of the event loop.
  return openSqliteEventStore({
    file: join(config.dataDir, 'events.sqlite'), groupCommit: true, synchronous: config.eventStoreSynchronous ?? 'FULL',
  });
};
