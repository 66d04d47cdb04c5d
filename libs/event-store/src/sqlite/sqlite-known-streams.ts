import type { EventRow } from './sqlite-events';
import type { StreamHead } from './sqlite-statements';

/** A stream as last seen: its head (null: no such stream) and its last events, consecutive up to the head. */
type KnownStream = { readonly head: StreamHead | null; readonly rows: readonly EventRow[] };

export type KnownStreamLimits = {
  /** Streams whose head is remembered. */
  readonly streams: number;
  /** Rows kept over all streams (a row is its JSON text, ~0.7 KB in the ledger). */
  readonly rows: number;
};

export const DEFAULT_KNOWN_STREAM_LIMITS: KnownStreamLimits = { streams: 20_000, rows: 5_000 };

/**
 * What the store saw of streams (their heads, their last rows: those it wrote, those it read), so that the questions
 * a command asks again and again are answered without a query: "anything after revision r?" (the command handler's
 * stream cache asks it of every stream it decides on) and "the events I just wrote" (the next command on the same
 * asset reads them back). Measured on the bench's command path: reads were a third of its time, and most of them
 * asked for nothing new or for what this connection had just written.
 *
 * Sound across processes: SQLite's `data_version` changes when any other connection commits to the file, and then
 * everything known is forgotten. The store's own commits do not change it; they are recorded here once committed.
 * Bounded (least recently used out first), so it is a cache, never a copy of the log.
 */
export class KnownStreams {
  private readonly streams = new Map<string, KnownStream>();
  private rowsHeld = 0;
  private version: number | null = null;

  constructor(private readonly dataVersion: () => number, private readonly limits: KnownStreamLimits = DEFAULT_KNOWN_STREAM_LIMITS) {}

  /** Call before using what is known: forgets it all if another connection committed since the last call. */
  refresh(): void {
    const version = this.dataVersion();
    if (version !== this.version) {
      this.forget();
      this.version = version;
    }
  }

  forget(): void {
    this.streams.clear();
    this.rowsHeld = 0;
  }

  /** The stream's head if known: null when it is known not to exist, undefined when not known. */
  headOf(streamName: string): StreamHead | null | undefined {
    return this.streams.get(streamName)?.head;
  }

  /**
   * The stream's rows from revision `from` on (at most `maxCount`) if what is known answers that, else undefined.
   */
  rowsFrom(streamName: string, from: number, maxCount: number): readonly EventRow[] | undefined {
    const known = this.streams.get(streamName);
    if (!known) return undefined;
    this.touch(streamName, known);
    if (known.head === null || known.head.revision < from) return [];
    const first = known.rows[0];
    if (first === undefined || first.revision > from) return undefined;
    const start = from - first.revision;
    return known.rows.slice(start, start + maxCount);
  }

  /** A forward read of the stream from `from` to its end (rows: all it found). */
  readToEnd(streamName: string, from: number, rows: readonly EventRow[]): void {
    if (rows.length) this.extend(streamName, rows);
    else if (from === 0) this.set(streamName, { head: null, rows: [] });
  }

  /** The stream's head as looked up. */
  sawHead(streamName: string, head: StreamHead | null): void {
    const known = this.streams.get(streamName);
    if (known && known.head?.seq === head?.seq) return;
    this.set(streamName, { head, rows: [] });
  }

  /** Rows this connection wrote and committed, right after the stream's previous head. */
  appended(streamName: string, rows: readonly EventRow[]): void {
    this.extend(streamName, rows);
  }

  /** `rows` follow the stream's known rows (kept together) or start a new run (what was known before is dropped). */
  private extend(streamName: string, rows: readonly EventRow[]): void {
    const last = rows[rows.length - 1];
    const head = { seq: last.seq, revision: last.revision };
    const known = this.streams.get(streamName);
    const follows = known && known.rows.length > 0 && known.head !== null && known.head.revision + 1 === rows[0].revision;
    this.set(streamName, { head, rows: follows ? [...known.rows, ...rows] : [...rows] });
  }

  private set(streamName: string, given: KnownStream): void {
    // A stream longer than all the rows kept is remembered by its head only.
    const known = given.rows.length > this.limits.rows ? { head: given.head, rows: [] } : given;
    const previous = this.streams.get(streamName);
    if (previous) {
      this.streams.delete(streamName);
      this.rowsHeld -= previous.rows.length;
    }
    this.streams.set(streamName, known);
    this.rowsHeld += known.rows.length;
    for (const [name, entry] of this.streams) {
      if (this.streams.size <= this.limits.streams && this.rowsHeld <= this.limits.rows) break;
      this.streams.delete(name);
      this.rowsHeld -= entry.rows.length;
    }
  }

  private touch(streamName: string, known: KnownStream): void {
    this.streams.delete(streamName);
    this.streams.set(streamName, known);
  }
}
