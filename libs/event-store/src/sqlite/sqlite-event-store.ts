import type {
  AppendResult, BatchHandler, EventStore, EventToAppend, ExpectedRevision, GlobalPosition, ReadAllOptions,
  ReadStreamOptions, RecordedEvent, StoreInfo, StoreSubscription, StreamWrite, SubscribeToAllOptions,
} from '../event-store.port';
import { SqliteAppends } from './sqlite-appends';
import type { SqliteSynchronous } from './sqlite-connection';
import { SqliteConnection } from './sqlite-connection';
import { KnownStreams } from './sqlite-known-streams';
import { SqliteReads } from './sqlite-reads';
import type { SqliteStatements } from './sqlite-statements';
import { prepareStatements } from './sqlite-statements';
import type { SubscriptionHost } from './sqlite-subscription';
import { subscribeToAll } from './sqlite-subscription';

export type { SqliteSynchronous } from './sqlite-connection';

export type SqliteEventStoreOptions = {
  readonly file: string;
  /**
   * FULL (default): an append resolves only once its commit is on disk (the WAL is synced), so an acknowledged write
   * survives power loss. NORMAL syncs only at checkpoints: an acknowledged write survives a crash of the process but
   * the last commits may be lost with the power. Group commit pays FULL's sync once per group, not once per append.
   */
  readonly synchronous?: SqliteSynchronous;
  /** How often a live subscription looks for events written by another process (default 200 ms). */
  readonly pollIntervalMs?: number;
  /**
   * Group commit (a server with concurrent requests): appends requested in the same turn of the event loop are
   * written in one transaction, each in a savepoint of its own, so one refused append (a wrong expected revision)
   * still rolls back alone and the others commit. Each append's result is as if it ran alone, in call order; an append
   * resolves only once its transaction committed. Default false: every append commits on its own at once.
   */
  readonly groupCommit?: boolean;
};

/**
 * The embedded store: one SQLite file in WAL mode (sqlite-connection.ts), one connection kept open, global position =
 * autoincrement sequence (sqlite-schema.ts). Appends and group commit in sqlite-appends.ts, reads in sqlite-reads.ts,
 * live subscriptions in sqlite-subscription.ts, rows to events in sqlite-events.ts.
 */
export class SqliteEventStore implements EventStore {
  readonly info: StoreInfo;
  /** The connection's `synchronous`, as SQLite reports it once set. */
  readonly synchronous: SqliteSynchronous;
  private readonly connection: SqliteConnection;
  private readonly sql: SqliteStatements;
  private readonly appends: SqliteAppends;
  private readonly reads: SqliteReads;
  private readonly subscriptions: SubscriptionHost;

  constructor(options: SqliteEventStoreOptions) {
    this.info = { kind: 'sqlite', location: options.file };
    this.connection = new SqliteConnection(options.file, options.synchronous);
    this.synchronous = this.connection.synchronous;
    const sql = prepareStatements(this.connection.db);
    this.sql = sql;
    const listeners = new Set<() => void>();
    this.subscriptions = { connection: this.connection, sql, pollIntervalMs: options.pollIntervalMs ?? 200, listeners, stops: new Set() };
    const known = new KnownStreams(() => sql.dataVersion.get() as number);
    this.appends = new SqliteAppends(this.connection, sql, known, options.groupCommit ?? false, () => {
      for (const wake of listeners) wake();
    });
    this.reads = new SqliteReads(this.connection, sql, known);
  }

  async appendToStream(streamName: string, events: readonly EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    return (await this.appendToStreams([{ streamName, events, expectedRevision }]))[0];
  }

  appendToStreams(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    return this.appends.append(writes);
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.reads.readStream(streamName, options);
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    return this.reads.readAll(options);
  }

  subscribeToAll(options: SubscribeToAllOptions, handler: BatchHandler): StoreSubscription {
    return subscribeToAll(this.subscriptions, options, handler);
  }

  async headPosition(): Promise<GlobalPosition | null> {
    return this.reads.headPosition();
  }

  async ping(): Promise<void> {
    this.connection.ensureOpen();
    try {
      this.connection.ensureInPlace();
      this.sql.ping.get();
    } catch (error) {
      throw this.connection.translate(error);
    }
  }

  /** Ends every subscription (their `done` resolves) and closes the connection. Safe to call twice. */
  async close(): Promise<void> {
    this.appends.flush(); // appends already requested are written first
    for (const stop of [...this.subscriptions.stops]) stop();
    if (this.connection.db.open) this.connection.db.close();
  }
}

/** Opens (creating if needed) the embedded store on one SQLite file. */
export const openSqliteEventStore = (options: SqliteEventStoreOptions): EventStore => new SqliteEventStore(options);
