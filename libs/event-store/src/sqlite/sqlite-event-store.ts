import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import { WrongExpectedRevision } from '../event-store.errors';
import type {
  AppendResult, BatchHandler, EventStore, EventToAppend, ExpectedRevision, GlobalPosition, JsonObject, ReadAllOptions,
  ReadStreamOptions, RecordedEvent, StoreInfo, StoreSubscription, StreamWrite, SubscribeToAllOptions,
} from '../event-store.port';
import { positionOf } from '../position';

export type SqliteEventStoreOptions = {
  readonly file: string;
  /** NORMAL (default) survives a process crash; FULL also survives power loss, at a cost per commit. */
  readonly synchronous?: 'NORMAL' | 'FULL';
  /** How often a live subscription looks for events written by another process. */
  readonly pollIntervalMs?: number;
};

type Row = {
  seq: number; id: string; stream: string; revision: number; type: string; data: string; metadata: string; created: number;
};

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    stream TEXT NOT NULL,
    revision INTEGER NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    metadata TEXT NOT NULL,
    created INTEGER NOT NULL,
    UNIQUE (stream, revision)
  );
`;

const PAGE = 1000;

const toRecorded = (row: Row): RecordedEvent => ({
  id: row.id,
  type: row.type,
  streamName: row.stream,
  revision: BigInt(row.revision),
  position: positionOf(row.seq),
  data: JSON.parse(row.data) as JsonObject,
  metadata: JSON.parse(row.metadata) as JsonObject,
  created: new Date(row.created),
});

const matches = (prefixes: readonly string[] | undefined, stream: string): boolean =>
  !prefixes || prefixes.some((prefix) => stream.startsWith(prefix));

/**
 * The embedded store: one SQLite file in WAL mode, one connection, global position = autoincrement sequence.
 * Appends check the expected revision and write inside one transaction, so a failed check writes nothing.
 */
export class SqliteEventStore implements EventStore {
  readonly info: StoreInfo;
  private readonly db: Database.Database;
  private readonly appended = new EventEmitter();
  private readonly subscriptions = new Set<() => void>();
  private readonly pollIntervalMs: number;
  private readonly statements;
  private readonly appendAtomically: (writes: readonly StreamWrite[]) => AppendResult[];

  constructor(options: SqliteEventStoreOptions) {
    this.info = { kind: 'sqlite', location: options.file };
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.appended.setMaxListeners(0);
    this.db = new Database(options.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
    this.db.exec(SCHEMA);
    this.statements = {
      lastRevision: this.db.prepare<[string], { revision: number }>('SELECT max(revision) AS revision FROM events WHERE stream = ?'),
      byId: this.db.prepare<[string], Row>('SELECT * FROM events WHERE id = ?'),
      insert: this.db.prepare('INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      streamForwards: this.db.prepare<[string, number, number], Row>(
        'SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?'),
      streamBackwards: this.db.prepare<[string, number, number], Row>(
        'SELECT * FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?'),
      allForwards: this.db.prepare<[number, number], Row>('SELECT * FROM events WHERE seq >= ? ORDER BY seq LIMIT ?'),
      allBackwards: this.db.prepare<[number, number], Row>('SELECT * FROM events WHERE seq <= ? ORDER BY seq DESC LIMIT ?'),
      head: this.db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM events'),
    };
    this.appendAtomically = this.db.transaction((writes: readonly StreamWrite[]) => writes.map((write) => this.write(write)));
  }

  async appendToStream(streamName: string, events: readonly EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    return this.appendToStreams([{ streamName, events, expectedRevision }]).then((results) => results[0]);
  }

  async appendToStreams(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    const results = this.appendAtomically(writes);
    this.appended.emit('appended');
    return results;
  }

  /** Runs inside the append transaction. */
  private write({ streamName, events, expectedRevision }: StreamWrite): AppendResult {
    const current = this.statements.lastRevision.get(streamName)?.revision ?? null;
    const replayed = events.length ? this.alreadyWritten(streamName, events) : null;
    if (replayed) return replayed;
    const actual = current === null ? 'no-stream' : BigInt(current);
    const ok =
      expectedRevision === 'any' ||
      (expectedRevision === 'no-stream' && current === null) ||
      (expectedRevision === 'exists' && current !== null) ||
      (typeof expectedRevision === 'bigint' && current !== null && BigInt(current) === expectedRevision);
    if (!ok) throw new WrongExpectedRevision(streamName, expectedRevision, actual);
    let revision = current ?? -1;
    let seq = 0;
    const created = Date.now();
    for (const event of events) {
      revision++;
      seq = Number(this.statements.insert.run(
        event.id, streamName, revision, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), created,
      ).lastInsertRowid);
    }
    if (!events.length) {
      return { nextExpectedRevision: BigInt(revision), position: positionOf(this.statements.head.get()?.seq ?? 0) };
    }
    return { nextExpectedRevision: BigInt(revision), position: positionOf(seq) };
  }

  /**
   * As EventStoreDB: the same events (by id) already stored consecutively in this stream answer as the first append
   * did and write nothing; a batch that only partly overlaps is a conflict.
   */
  private alreadyWritten(streamName: string, events: readonly EventToAppend[]): AppendResult | null {
    const first = this.statements.byId.get(events[0].id);
    if (!first) return null;
    const stored = first.stream === streamName ? this.statements.streamForwards.all(streamName, first.revision, events.length) : [];
    const same = stored.length === events.length && stored.every((row, i) => row.id === events[i].id);
    if (!same) {
      const current = this.statements.lastRevision.get(streamName)?.revision ?? null;
      throw new WrongExpectedRevision(streamName, 'any', current === null ? 'no-stream' : BigInt(current));
    }
    const last = stored[stored.length - 1];
    return { nextExpectedRevision: BigInt(last.revision), position: positionOf(last.seq) };
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    const rows = options.direction === 'backwards'
      ? this.statements.streamBackwards.all(streamName, Number(options.fromRevision ?? BigInt(Number.MAX_SAFE_INTEGER)), maxCount)
      : this.statements.streamForwards.all(streamName, Number(options.fromRevision ?? 0n), maxCount);
    return rows.map(toRecorded);
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    const prefixes = options.filter?.streamNamePrefixes;
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    let from = options.fromPosition ? Number(options.fromPosition.commit) : backwards ? Number.MAX_SAFE_INTEGER : 0;
    while (remaining > 0) {
      const rows = backwards ? this.statements.allBackwards.all(from, PAGE) : this.statements.allForwards.all(from, PAGE);
      for (const row of rows) {
        if (!matches(prefixes, row.stream)) continue;
        yield toRecorded(row);
        if (--remaining === 0) return;
      }
      if (rows.length < PAGE) return;
      from = backwards ? rows[rows.length - 1].seq - 1 : rows[rows.length - 1].seq + 1;
    }
  }

  subscribeToAll(options: SubscribeToAllOptions, handler: BatchHandler): StoreSubscription {
    const maxBatch = options.maxBatchSize ?? 500;
    const prefixes = options.filter?.streamNamePrefixes;
    let after = options.from === 'start' ? 0 : Number(options.from.commit);
    let closed = false;
    let wake: (() => void) | null = null;
    const notify = () => wake?.();
    this.appended.on('appended', notify);
    const timer = setInterval(notify, this.pollIntervalMs);
    timer.unref();
    const stop = () => {
      closed = true;
      this.subscriptions.delete(stop);
      this.appended.off('appended', notify);
      clearInterval(timer);
      wake?.();
    };
    this.subscriptions.add(stop);
    const loop = async (): Promise<void> => {
      try {
        while (!closed) {
          const rows = this.statements.allForwards.all(after + 1, maxBatch);
          if (rows.length === 0) {
            await new Promise<void>((resolve) => { wake = resolve; });
            wake = null;
            continue;
          }
          after = rows[rows.length - 1].seq;
          const batch = rows.filter((row) => matches(prefixes, row.stream)).map(toRecorded);
          if (batch.length) await handler(batch);
        }
      } finally {
        stop();
      }
    };
    const done = loop();
    return { done, close: async () => { stop(); await done.catch(() => undefined); } };
  }

  async headPosition(): Promise<GlobalPosition | null> {
    const seq = this.statements.head.get()?.seq ?? null;
    return seq === null ? null : positionOf(seq);
  }

  async ping(): Promise<void> {
    this.statements.head.get();
  }

  async close(): Promise<void> {
    for (const stop of [...this.subscriptions]) stop();
    if (this.db.open) this.db.close();
  }
}

export const openSqliteEventStore = (options: SqliteEventStoreOptions): EventStore => new SqliteEventStore(options);
