import type Database from 'better-sqlite3';
import { WrongExpectedRevision } from '../event-store.errors';
import type { AppendResult, EventToAppend, ExpectedRevision, StreamWrite } from '../event-store.port';
import { positionOf } from '../position';
import type { SqliteConnection } from './sqlite-connection';
import type { EventRow } from './sqlite-events';
import { idToBytes } from './sqlite-events';
import type { KnownStreams } from './sqlite-known-streams';
import type { SqliteStatements } from './sqlite-statements';

type PendingAppend = {
  readonly writes: readonly StreamWrite[];
  readonly resolve: (results: AppendResult[]) => void;
  readonly reject: (error: unknown) => void;
};
type Outcome = { readonly results: AppendResult[] } | { readonly error: unknown };
/** Rows written to a stream by the transaction under way. */
type Written = { readonly streamName: string; readonly rows: EventRow[] };

const NO_STREAM = -1;

const meets = (expected: ExpectedRevision, current: number): boolean =>
  expected === 'any' ||
  (expected === 'no-stream' ? current === NO_STREAM :
    expected === 'exists' ? current !== NO_STREAM :
      current !== NO_STREAM && BigInt(current) === expected);

const isUniqueViolation = (error: unknown): boolean =>
  (error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';

/**
 * The embedded store's appends. An append runs in one IMMEDIATE transaction (the write lock is taken first, so another
 * process on the same file cannot slip in between the revision check and the insert): one indexed look-up of the
 * stream's last revision, the check, then the inserts. A failed check throws before anything is written and the
 * transaction rolls back, so it changes nothing. Idempotency costs nothing on the happy path: the stored ids are only
 * looked at when the check fails or the unique id index refuses the first event.
 *
 * Group commit (optional): appends requested in the same turn of the event loop are written in one transaction, each
 * in a savepoint of its own, so one refused append still rolls back alone and the others commit.
 *
 * The stream's last revision comes from what the store knows (sqlite-known-streams.ts) when it can: checked once per
 * append inside the transaction, which holds the write lock, so nobody else can commit in between. What a transaction
 * wrote becomes known only once it committed.
 */
export class SqliteAppends {
  private readonly appendAll: Database.Transaction<(writes: readonly StreamWrite[]) => AppendResult[]>;
  private readonly appendGroup: Database.Transaction<(group: readonly PendingAppend[]) => Outcome[]>;
  private pending: PendingAppend[] = [];
  /** What the transaction under way wrote, recorded as known once it commits. */
  private written: Written[] = [];

  /** `onCommit` is called after every commit (live subscriptions wake up). */
  constructor(
    private readonly connection: SqliteConnection,
    private readonly sql: SqliteStatements,
    private readonly known: KnownStreams,
    private readonly groupCommit: boolean,
    private readonly onCommit: () => void,
  ) {
    const db = connection.db;
    this.appendAll = db.transaction((writes: readonly StreamWrite[]) => {
      this.known.refresh();
      const before = this.written.length;
      try {
        return writes.map((write) => this.write(write));
      } catch (error) {
        this.written.length = before; // rolled back (a savepoint with group commit): none of it is known
        throw error;
      }
    });
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
  }

  async append(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    this.connection.ensureOpen();
    if (this.groupCommit) {
      return new Promise<AppendResult[]>((resolve, reject) => {
        if (this.pending.push({ writes, resolve, reject }) === 1) setImmediate(() => this.commitPending());
      });
    }
    let results: AppendResult[];
    try {
      this.connection.ensureInPlace();
      results = this.appendAll.immediate(writes);
    } catch (error) {
      this.rolledBack();
      throw this.connection.translate(error);
    }
    this.committed();
    return results;
  }

  /** Appends already requested are written (on close). */
  flush(): void {
    if (this.pending.length && this.connection.db.open) this.commitPending();
  }

  /** Writes the appends requested since the last group commit; one on its own commits as an append without it does. */
  private commitPending(): void {
    const group = this.pending;
    this.pending = [];
    if (group.length === 1) {
      const [only] = group;
      try {
        this.connection.ensureOpen();
        this.connection.ensureInPlace();
        only.resolve(this.appendAll.immediate(only.writes));
      } catch (error) {
        this.rolledBack();
        only.reject(this.connection.translate(error));
        return;
      }
    } else {
      let outcomes: Outcome[];
      try {
        this.connection.ensureOpen();
        this.connection.ensureInPlace();
        outcomes = this.appendGroup.immediate(group);
      } catch (error) {
        // The transaction itself failed (the lock, the disk): nothing of the group was written.
        this.rolledBack();
        const translated = this.connection.translate(error);
        for (const append of group) append.reject(translated);
        return;
      }
      outcomes.forEach((outcome, i) => {
        if ('results' in outcome) group[i].resolve(outcome.results);
        else group[i].reject(this.connection.translate(outcome.error));
      });
    }
    this.committed();
  }

  /** After a commit: what it wrote is known, and live subscriptions wake up. */
  private committed(): void {
    for (const { streamName, rows } of this.written) this.known.appended(streamName, rows);
    this.written = [];
    this.onCommit();
  }

  /** After a failed transaction: nothing of it is known, and what was known is dropped too, to be safe. */
  private rolledBack(): void {
    this.written = [];
    this.known.forget();
  }

  /** One stream's share of an append; runs inside the transaction, which any throw rolls back whole. */
  private write({ streamName, events, expectedRevision }: StreamWrite): AppendResult {
    const head = this.headOf(streamName);
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
    const rows: EventRow[] = [];
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      const id = idToBytes(event.id);
      const data = JSON.stringify(event.data);
      const metadata = JSON.stringify(event.metadata);
      try {
        seq = Number(this.sql.insert.run(id, streamName, ++revision, event.type, data, metadata, created).lastInsertRowid);
        rows.push({ seq, id, stream: streamName, revision, type: event.type, data, metadata, created });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // Nothing of this write is in yet when the first event is refused: an exact retry answers as the original.
        const replayed = i === 0 ? this.replayed(streamName, events) : null;
        if (replayed) return replayed;
        throw conflict();
      }
    }
    this.written.push({ streamName, rows });
    return { nextExpectedRevision: BigInt(revision), position: positionOf(seq) };
  }

  /** The stream's head inside the transaction: as known, unless this transaction already wrote to the stream. */
  private headOf(streamName: string) {
    const known = this.written.some((written) => written.streamName === streamName) ? undefined : this.known.headOf(streamName);
    return known === undefined ? this.sql.head.get(streamName) : known ?? undefined;
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
}
