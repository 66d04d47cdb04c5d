import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { StoreUnavailable, WrongExpectedRevision } from '../event-store.errors';
import type {
  AppendResult, BatchHandler, EventStore, EventToAppend, ExpectedRevision, GlobalPosition, JsonObject, ReadAllOptions,
  ReadStreamOptions, RecordedEvent, StoreInfo, StoreSubscription, StreamWrite, SubscribeToAllOptions,
} from '../event-store.port';
import { positionOf } from '../position';
import { prepareSchema } from './sqlite-schema';
import { sqliteStorageFailure } from './sqlite-storage-errors';

export type SqliteSynchronous = 'NORMAL' | 'FULL';

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

type PendingAppend = {
  readonly writes: readonly StreamWrite[];
  readonly resolve: (results: AppendResult[]) => void;
  readonly reject: (error: unknown) => void;
};
type Outcome = { readonly results: AppendResult[] } | { readonly error: unknown };

type Row = {
  seq: number; id: Buffer; stream: string; revision: number; type: string; data: string; metadata: string; created: number;
};
type LogRow = Omit<Row, 'id'> & { id: string };
type Head = { seq: number; revision: number };
type Placed = { seq: number; stream: string; revision: number };
type IdAt = { seq: number; id: Buffer; revision: number };

/** Rows per query when reading the log: big enough to amortise the query, small enough for constant memory. */
const PAGE = 1000;
const DEFAULT_BATCH = 500;
const COLUMNS = 'seq, id, stream, revision, type, data, metadata, created';
/**
 * The global log's reads (readAll, subscriptions: a rebuild reads every row) have SQLite spell the id as text: a BLOB
 * column costs a Buffer per row on the JS side, and formatting it there too (measured: ~25% of decoding a row).
 */
const LOG_COLUMNS = `seq, lower(hex(substr(id, 1, 4)) || '-' || hex(substr(id, 5, 2)) || '-' || hex(substr(id, 7, 2)) || '-' ||
  hex(substr(id, 9, 2)) || '-' || hex(substr(id, 11))) AS id, stream, revision, type, data, metadata, created`;
const NO_STREAM = -1;
/** `PRAGMA synchronous` answers with a number. */
const SYNCHRONOUS_LEVELS: Readonly<Record<number, SqliteSynchronous>> = { 1: 'NORMAL', 2: 'FULL' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const idToBytes = (id: string): Buffer => {
  if (typeof id !== 'string' || !UUID.test(id)) throw new TypeError(`Event id ${JSON.stringify(id)} is not a UUID`);
  return Buffer.from(id.slice(0, 8) + id.slice(9, 13) + id.slice(14, 18) + id.slice(19, 23) + id.slice(24), 'hex');
};

const bytesToId = (bytes: Buffer): string => {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** Log reads have SQLite spell the id as text; stream reads get the 16 bytes. */
const logRowToRecorded = (row: LogRow): RecordedEvent => recorded(row, row.id);
const toRecorded = (row: Row): RecordedEvent => recorded(row, bytesToId(row.id));

const recorded = (row: Omit<Row, 'id'>, id: string): RecordedEvent => ({
  id,
  type: row.type,
  streamName: row.stream,
  revision: BigInt(row.revision),
  position: positionOf(row.seq),
  data: JSON.parse(row.data) as JsonObject,
  metadata: JSON.parse(row.metadata) as JsonObject,
  created: new Date(row.created),
});


const matcher = (prefixes: readonly string[] | undefined): ((stream: string) => boolean) =>
  !prefixes ? () => true : (stream) => prefixes.some((prefix) => stream.startsWith(prefix));

const meets = (expected: ExpectedRevision, current: number): boolean =>
  expected === 'any' ||
  (expected === 'no-stream' ? current === NO_STREAM :
    expected === 'exists' ? current !== NO_STREAM :
      current !== NO_STREAM && BigInt(current) === expected);

const isUniqueViolation = (error: unknown): boolean =>
  (error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The embedded store: one SQLite file in WAL mode, one connection kept open, global position = autoincrement sequence.
 *
 * An append runs in one IMMEDIATE transaction (the write lock is taken first, so another process on the same file
 * cannot slip in between the revision check and the insert): one indexed look-up of the stream's last revision, the
 * check, then the inserts. A failed check throws before anything is written and the transaction rolls back, so it
 * changes nothing. Idempotency costs nothing on the happy path: the stored ids are only looked at when the check fails
 * or the unique id index refuses the first event.
 */
export class SqliteEventStore implements EventStore {
  readonly info: StoreInfo;
  /** The connection's `synchronous`, as SQLite reports it once set. */
  readonly synchronous: SqliteSynchronous;
  private readonly db: Database.Database;
  private readonly pollIntervalMs: number;
  /** In-process wake-ups for live subscriptions, called after every commit. */
  private readonly listeners = new Set<() => void>();
  private readonly stops = new Set<() => void>();
  private readonly sql;
  private readonly appendAll: Database.Transaction<(writes: readonly StreamWrite[]) => AppendResult[]>;
  private readonly appendGroup: Database.Transaction<(group: readonly PendingAppend[]) => Outcome[]>;
  private readonly groupCommit: boolean;
  private pending: PendingAppend[] = [];
  /** The file opened: a write after it was deleted or replaced would land in an unlinked inode and be lost. */
  private readonly opened: { readonly dev: number; readonly ino: number } | null;

  constructor(options: SqliteEventStoreOptions) {
    this.info = { kind: 'sqlite', location: options.file };
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.db = new Database(options.file);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
      this.synchronous = SYNCHRONOUS_LEVELS[this.db.pragma('synchronous', { simple: true }) as number] ?? 'NORMAL';
      prepareSchema(this.db);
    } catch (error) {
      this.db.close();
      throw error;
    }
    const db = this.db;
    this.sql = {
      head: db.prepare<[string], Head>('SELECT seq, revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1'),
      insert: db.prepare<[Buffer, string, number, string, string, string, number]>(
        'INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      placeOf: db.prepare<[Buffer], Placed>('SELECT seq, stream, revision FROM events WHERE id = ?'),
      idsFrom: db.prepare<[string, number, number], IdAt>(
        'SELECT seq, id, revision FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?'),
      streamForwards: db.prepare<[string, number, number], Row>(
        `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`),
      streamBackwards: db.prepare<[string, number, number], Row>(
        `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`),
      allForwards: db.prepare<[number, number], LogRow>(`SELECT ${LOG_COLUMNS} FROM events WHERE seq >= ? ORDER BY seq LIMIT ?`),
      allBackwards: db.prepare<[number, number], LogRow>(`SELECT ${LOG_COLUMNS} FROM events WHERE seq <= ? ORDER BY seq DESC LIMIT ?`),
      lastSeq: db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM events'),
      ping: db.prepare('SELECT 1'),
    };
    this.appendAll = db.transaction((writes: readonly StreamWrite[]) => writes.map((write) => this.write(write)));
    // Called inside the group's transaction, appendAll runs in a savepoint: a throw undoes that append only.
    this.appendGroup = db.transaction((group: readonly PendingAppend[]) => group.map((append): Outcome => {
      try {
        return { results: this.appendAll(append.writes) };
      } catch (error) {
        // Some errors (I/O, a full disk) make SQLite roll back the whole transaction: then the group fails as one.
        if (!db.inTransaction) throw error;
        return { error };
      }
    }));
    this.groupCommit = options.groupCommit ?? false;
    const stat = statSync(options.file, { throwIfNoEntry: false });
    this.opened = stat ? { dev: stat.dev, ino: stat.ino } : null;
  }

  async appendToStream(streamName: string, events: readonly EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    return (await this.appendToStreams([{ streamName, events, expectedRevision }]))[0];
  }

  async appendToStreams(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    this.ensureOpen();
    if (this.groupCommit) {
      return new Promise<AppendResult[]>((resolve, reject) => {
        if (this.pending.push({ writes, resolve, reject }) === 1) setImmediate(() => this.commitPending());
      });
    }
    let results: AppendResult[];
    try {
      this.ensureInPlace();
      results = this.appendAll.immediate(writes);
    } catch (error) {
      throw this.translate(error);
    }
    for (const wake of this.listeners) wake();
    return results;
  }

  /** Writes the appends requested since the last group commit; one on its own commits as appendToStreams does. */
  private commitPending(): void {
    const group = this.pending;
    this.pending = [];
    if (group.length === 1) {
      const [only] = group;
      try {
        this.ensureOpen();
        this.ensureInPlace();
        only.resolve(this.appendAll.immediate(only.writes));
      } catch (error) {
        only.reject(this.translate(error));
        return;
      }
    } else {
      let outcomes: Outcome[];
      try {
        this.ensureOpen();
        this.ensureInPlace();
        outcomes = this.appendGroup.immediate(group);
      } catch (error) {
        // The transaction itself failed (the lock, the disk): nothing of the group was written.
        const translated = this.translate(error);
        for (const append of group) append.reject(translated);
        return;
      }
      outcomes.forEach((outcome, i) => {
        if ('results' in outcome) group[i].resolve(outcome.results);
        else group[i].reject(this.translate(outcome.error));
      });
    }
    for (const wake of this.listeners) wake();
  }

  /** One stream's share of an append; runs inside the transaction, which any throw rolls back whole. */
  private write({ streamName, events, expectedRevision }: StreamWrite): AppendResult {
    const head = this.sql.head.get(streamName);
    const current = head ? head.revision : NO_STREAM;
    const conflict = () => new WrongExpectedRevision(streamName, expectedRevision, current === NO_STREAM ? 'no-stream' : BigInt(current));
    if (!meets(expectedRevision, current)) {
      const replayed = events.length ? this.replayed(streamName, events) : null;
      if (replayed) return replayed;
      throw conflict();
    }
    if (!events.length) {
      return { nextExpectedRevision: BigInt(current), position: positionOf(head ? head.seq : this.sql.lastSeq.get()?.seq ?? 0) };
    }
    const created = Date.now();
    let revision = current;
    let seq = 0;
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      const id = idToBytes(event.id);
      try {
        seq = Number(this.sql.insert.run(
          id, streamName, ++revision, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), created,
        ).lastInsertRowid);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // Nothing of this write is in yet when the first event is refused: an exact retry answers as the original.
        const replayed = i === 0 ? this.replayed(streamName, events) : null;
        if (replayed) return replayed;
        throw conflict();
      }
    }
    return { nextExpectedRevision: BigInt(revision), position: positionOf(seq) };
  }

  /**
   * As EventStoreDB: when the batch's ids are already stored, consecutively and in this stream, the append answers as
   * the first one did and writes nothing. Null when they are not (a partial overlap is then a conflict).
   */
  private replayed(streamName: string, events: readonly EventToAppend[]): AppendResult | null {
    const first = this.sql.placeOf.get(idToBytes(events[0].id));
    if (!first || first.stream !== streamName) return null;
    const stored = this.sql.idsFrom.all(streamName, first.revision, events.length);
    if (stored.length !== events.length) return null;
    for (let i = 1; i < events.length; i++) if (!stored[i].id.equals(idToBytes(events[i].id))) return null;
    const last = stored[stored.length - 1];
    return { nextExpectedRevision: BigInt(last.revision), position: positionOf(last.seq) };
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    try {
      return this.readStreamNow(streamName, options);
    } catch (error) {
      throw this.translate(error);
    }
  }

  private readStreamNow(streamName: string, options: ReadStreamOptions): RecordedEvent[] {
    this.ensureOpen();
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    if (maxCount <= 0) return [];
    if (options.direction !== 'backwards' && options.fromRevision !== undefined && options.fromRevision > 0n) {
      // "Anything after revision r?" is the common question of a caller that keeps what it read (the command
      // handler's stream cache), and the answer is usually no: the covering (stream, revision) index answers that in a
      // third of the time the row query takes to find nothing.
      const head = this.sql.head.get(streamName);
      if (!head || BigInt(head.revision) < options.fromRevision) return [];
    }
    const rows = options.direction === 'backwards'
      ? this.sql.streamBackwards.all(streamName, options.fromRevision === undefined ? Number.MAX_SAFE_INTEGER : Number(options.fromRevision), maxCount)
      : this.sql.streamForwards.all(streamName, Number(options.fromRevision ?? 0n), maxCount);
    return rows.map(toRecorded);
  }

  /**
   * Pages through the log PAGE rows per query, so a huge log streams in constant memory. A plain iterator rather than
   * an async generator: each step resolves at once, which read as fast as a raw better-sqlite3 loop (the generator
   * reached about 0.8× of it).
   */
  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    const wanted = matcher(options.filter?.streamNamePrefixes);
    const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
    const start = options.fromPosition ? Number(options.fromPosition.commit) : backwards ? Number.MAX_SAFE_INTEGER : 0;
    const page = (from: number) => {
      this.ensureOpen();
      try {
        return backwards ? this.sql.allBackwards.all(from, PAGE) : this.sql.allForwards.all(from, PAGE);
      } catch (error) {
        throw this.translate(error);
      }
    };
    return {
      [Symbol.asyncIterator]: (): AsyncIterator<RecordedEvent> => {
        let rows: LogRow[] = [];
        let index = 0;
        let from = start;
        let last = false; // the current page is the log's last
        let delivered = 0;
        const end = (): IteratorResult<RecordedEvent> => {
          delivered = maxCount;
          rows = [];
          return { done: true, value: undefined };
        };
        const step = (): IteratorResult<RecordedEvent> => {
          if (delivered >= maxCount) return end();
          for (;;) {
            while (index < rows.length) {
              const row = rows[index++];
              if (!wanted(row.stream)) continue;
              delivered++;
              return { done: false, value: logRowToRecorded(row) };
            }
            if (last) return end();
            rows = page(from);
            index = 0;
            last = rows.length < PAGE;
            if (rows.length) from = backwards ? rows[rows.length - 1].seq - 1 : rows[rows.length - 1].seq + 1;
          }
        };
        return {
          next: () => {
            try {
              return Promise.resolve(step());
            } catch (error) {
              end();
              return Promise.reject(error);
            }
          },
          return: () => Promise.resolve(end()),
        };
      },
    };
  }

  subscribeToAll(options: SubscribeToAllOptions, handler: BatchHandler): StoreSubscription {
    const maxBatch = Math.max(1, Math.floor(options.maxBatchSize ?? DEFAULT_BATCH));
    const filtered = options.filter !== undefined;
    const wanted = matcher(options.filter?.streamNamePrefixes);
    let after = options.from === 'start' ? 0 : Number(options.from.commit);
    let closed = false;
    let wake: (() => void) | null = null;
    const poke = () => {
      const resolve = wake;
      wake = null;
      resolve?.();
    };
    // The fallback for commits made by other connections (another process on the same file).
    const timer = setInterval(poke, this.pollIntervalMs);
    timer.unref();
    const stop = () => {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      this.listeners.delete(poke);
      this.stops.delete(stop);
      poke();
    };
    this.listeners.add(poke);
    this.stops.add(stop);

    let handling = false;
    const run = async (): Promise<void> => {
      try {
        await Promise.resolve(); // the handler is never called before subscribeToAll has returned
        while (!closed) {
          this.ensureOpen();
          // Unfiltered, a page is a batch; filtered, scan a full page and stop at maxBatch matches.
          // Rows are decoded as SQLite steps through them (no array of raw rows); the statement is done, or returned
          // by the break, before the handler runs, so the handler may use the connection.
          const scanned = after;
          const batch: RecordedEvent[] = [];
          for (const row of this.sql.allForwards.iterate(after + 1, filtered ? Math.max(PAGE, maxBatch) : maxBatch)) {
            after = row.seq;
            if (!wanted(row.stream)) continue;
            batch.push(logRowToRecorded(row));
            if (batch.length === maxBatch) break;
          }
          if (scanned === after) { // nothing new
            await new Promise<void>((resolve) => { wake = resolve; });
            // Woken by a commit: let the commits already under way in this turn of the event loop land first, so a
            // busy server hands them over as one batch (one read-model transaction) rather than one batch each.
            await nextTick();
            continue;
          }
          if (batch.length) {
            handling = true;
            await handler(batch);
            handling = false;
          }
          // A turn for the rest of the process before the next page: reading and handling a backlog (a read side
          // catching up after a start, a rebuild) or a long stretch the filter skips must not starve the event loop,
          // or a server would not even answer /health until it had caught up.
          await nextTick();
        }
      } catch (error) {
        // The handler's failures are its own (a read model's disk, say): only the store's reads are translated.
        throw handling ? error : this.translate(error);
      } finally {
        stop();
      }
    };
    const done = run();
    return {
      done,
      close: async () => {
        stop();
        await done.catch(() => undefined);
      },
    };
  }

  async headPosition(): Promise<GlobalPosition | null> {
    this.ensureOpen();
    let seq: number | null;
    try {
      seq = this.sql.lastSeq.get()?.seq ?? null;
    } catch (error) {
      throw this.translate(error);
    }
    return seq === null ? null : positionOf(seq);
  }

  async ping(): Promise<void> {
    this.ensureOpen();
    try {
      this.ensureInPlace();
      this.sql.ping.get();
    } catch (error) {
      throw this.translate(error);
    }
  }

  /** Ends every subscription (their `done` resolves) and closes the connection. Safe to call twice. */
  async close(): Promise<void> {
    if (this.pending.length && this.db.open) this.commitPending(); // appends already requested are written first
    for (const stop of [...this.stops]) stop();
    if (this.db.open) this.db.close();
  }

  private ensureOpen(): void {
    if (!this.db.open) throw new StoreUnavailable(`The SQLite event store ${this.info.location} is closed`);
  }

  /**
   * SQLite keeps writing to a file deleted (or replaced) under it, and in WAL mode does not notice: those writes would
   * vanish with the process. One stat per commit (a group's, with group commit) refuses them instead.
   */
  private ensureInPlace(): void {
    if (!this.opened) return;
    const now = statSync(this.info.location, { throwIfNoEntry: false });
    if (!now || now.ino !== this.opened.ino || now.dev !== this.opened.dev) {
      throw new StoreUnavailable(`The SQLite event store ${this.info.location} was deleted or replaced while open; nothing was written`,
        undefined, { nothingWritten: true });
    }
  }

  /** Storage failures (no space, I/O, a file gone, another connection's lock) become the port's errors; others pass. */
  private translate(error: unknown): unknown {
    return sqliteStorageFailure(error, `The SQLite event store ${this.info.location}`) ?? error;
  }
}

/** Opens (creating if needed) the embedded store on one SQLite file. */
export const openSqliteEventStore = (options: SqliteEventStoreOptions): EventStore => new SqliteEventStore(options);
