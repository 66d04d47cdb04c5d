import { join } from 'node:path';
import type { SqliteSynchronous } from '@chip-ledger/event-store';
import type { ProjectionRunnerOptions } from '@chip-ledger/projections';

export type LedgerConfig = {
  readonly port: number;
  /** Where the embedded store and the read models live. */
  readonly dataDir: string;
  /** Set: EventStoreDB is the store. Unset: the embedded SQLite store. */
  readonly eventStoreConnectionString: string | undefined;
  /**
   * The embedded store's SQLite `synchronous`: FULL (default) makes an acknowledged write survive power loss; NORMAL,
   * an opt-in, survives a crash of the process only, for more writes per second on a disk with slow syncs.
   */
  readonly eventStoreSynchronous?: SqliteSynchronous;
  /** How long a query that names a position waits for the read side. */
  readonly readWaitMs: number;
  /** Largest request body accepted. */
  readonly bodyLimit: string;
  /** pino level: trace, debug, info, warn, error, fatal or silent. */
  readonly logLevel: string;
  /** Set: `/metrics` answers only to "Authorization: Bearer <token>". Unset: it is open to whoever reaches the port. */
  readonly metricsToken: string | undefined;
  /** Tuning of the read side's runner; tests also slow it down through it (`beforeBatch`). Not from the environment. */
  readonly projection?: ProjectionRunnerOptions;
};

/** `EVENT_STORE_SYNCHRONOUS`: `full` (default) or `normal`, any case; anything else stops the start. */
export const synchronousFromEnv = (value: string | undefined): SqliteSynchronous => {
  const setting = (value ?? '').trim().toUpperCase() || 'FULL';
  if (setting !== 'FULL' && setting !== 'NORMAL') {
    throw new Error(`EVENT_STORE_SYNCHRONOUS must be "full" (the default) or "normal", not ${JSON.stringify(value)}`);
  }
  return setting;
};

export const ledgerConfigFromEnv = (env: NodeJS.ProcessEnv = process.env): LedgerConfig => ({
  port: Number(env.PORT ?? 3000),
  dataDir: env.DATA_DIR ?? join(process.cwd(), 'data'),
  eventStoreConnectionString: env.EVENTSTORE_CONNECTION_STRING || undefined,
  eventStoreSynchronous: synchronousFromEnv(env.EVENT_STORE_SYNCHRONOUS),
  readWaitMs: Number(env.READ_WAIT_MS ?? 5000),
  bodyLimit: env.BODY_LIMIT ?? '256kb',
  logLevel: env.LOG_LEVEL ?? 'info',
  metricsToken: env.METRICS_TOKEN || undefined,
});
