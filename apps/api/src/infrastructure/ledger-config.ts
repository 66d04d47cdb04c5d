import { join } from 'node:path';

export type LedgerConfig = {
  readonly port: number;
  /** Where the embedded store and the read models live. */
  readonly dataDir: string;
  /** Set: EventStoreDB is the store. Unset: the embedded SQLite store. */
  readonly eventStoreConnectionString: string | undefined;
  /** How long a query that names a position waits for the read side. */
  readonly readWaitMs: number;
  /** Largest request body accepted. */
  readonly bodyLimit: string;
  /** pino level: trace, debug, info, warn, error, fatal or silent. */
  readonly logLevel: string;
  /** Set: `/metrics` answers only to "Authorization: Bearer <token>". Unset: it is open to whoever reaches the port. */
  readonly metricsToken: string | undefined;
};

export const ledgerConfigFromEnv = (env: NodeJS.ProcessEnv = process.env): LedgerConfig => ({
  port: Number(env.PORT ?? 3000),
  dataDir: env.DATA_DIR ?? join(process.cwd(), 'data'),
  eventStoreConnectionString: env.EVENTSTORE_CONNECTION_STRING || undefined,
  readWaitMs: Number(env.READ_WAIT_MS ?? 5000),
  bodyLimit: env.BODY_LIMIT ?? '256kb',
  logLevel: env.LOG_LEVEL ?? 'info',
  metricsToken: env.METRICS_TOKEN || undefined,
});
