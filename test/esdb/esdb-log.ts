import { randomUUID } from 'node:crypto';

/**
 * The storage model of the EventStoreDB test double: one append-only log (`$all`) of events, each stream an ordered
 * view of it. It follows the server's documented behaviour (IndexWriter.CheckCommit in EventStoreDB 20–24), not the
 * port's, so the adapter is tested against what production does.
 */

export type StoredEvent = {
  readonly id: string;
  readonly streamName: string;
  readonly revision: bigint;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
  /** 100 ns ticks since the Unix epoch, as the server stores `created`. */
  readonly created: bigint;
  /** Byte offset of the event's record in the transaction log; commit and prepare positions are both this. */
  readonly position: bigint;
};

export type ProposedEvent = {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
};

export type ExpectedVersion =
  | { readonly kind: 'any' }
  | { readonly kind: 'no-stream' }
  | { readonly kind: 'stream-exists' }
  | { readonly kind: 'revision'; readonly revision: bigint };

/**
 * `currentRevision` null: the stream does not exist. `position` null: nothing was written (an empty append).
 * `dropped`: a retry of a write that is committed but not yet replicated (the server's IdempotentNotReady): the
 * storage writer drops it without a reply, and the request times out. `stream-deleted`: the stream is tombstoned.
 */
export type AppendOutcome =
  | { readonly kind: 'success'; readonly currentRevision: bigint | null; readonly position: bigint | null }
  | { readonly kind: 'wrong-expected-version'; readonly currentRevision: bigint | null }
  | { readonly kind: 'dropped' }
  | { readonly kind: 'stream-deleted' };

/** What the Streams service reads through: the log itself on a leader, an older copy of it on a lagging follower. */
export type LogView = {
  readonly length: number;
  at(index: number): StoredEvent | undefined;
  stream(streamName: string): readonly StoredEvent[] | undefined;
  isDeleted(streamName: string): boolean;
  indexAtOrAfter(position: bigint): number;
  indexAfter(position: bigint): number;
  onAppend(listener: () => void): () => void;
};

export type EsdbLogOptions = {
  /**
   * After every N events appended by clients, the server writes a `$statsCollected` event to `$stats-…`, standing in
   * for the system events a real node adds to `$all` (stats, `$epoch-information`, projection links). 0: never.
   */
  readonly systemEventEvery?: number;
  /**
   * How many recently written event ids the server remembers for de-duplicating `any`/`stream_exists` appends.
   * EventStoreDB keeps them in a bounded in-memory cache that a restart empties.
   */
  readonly idempotencyCacheSize?: number;
};

/** Record header bytes besides the payload; a real prepare record carries about this much framing. */
const RECORD_OVERHEAD = 93n;
/** A fresh node's log starts after its chunk header and the records it writes on its first start. */
const FIRST_RECORD = 4_096n;
const STATS_STREAM = '$stats-127.0.0.1:2113';
/** EventStoreDB writes a tombstone as a `$streamDeleted` event at revision long.MaxValue (EventNumber.DeletedStream). */
const TOMBSTONE_REVISION = 2n ** 63n - 1n;

const ticksNow = (): bigint => BigInt(Date.now()) * 10_000n;

const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');

export class EsdbLog implements LogView {
  private readonly all: StoredEvent[] = [];
  private readonly deleted = new Set<string>();
  /** Ids of committed events not yet replicated to a quorum, with when they will be (ms since the epoch). */
  private readonly unreplicated = new Map<string, number>();
  private readonly streams = new Map<string, StoredEvent[]>();
  /** Insertion-ordered, trimmed from the front: an LRU by write time, like the server's committed-events cache. */
  private readonly recentIds = new Map<string, StoredEvent>();
  private readonly listeners = new Set<() => void>();
  private readonly systemEventEvery: number;
  private readonly idempotencyCacheSize: number;
  private nextPosition = FIRST_RECORD;
  private clientEventsSinceSystemEvent = 0;

  constructor(options: EsdbLogOptions = {}) {
    this.systemEventEvery = options.systemEventEvery ?? 3;
    this.idempotencyCacheSize = options.idempotencyCacheSize ?? 100_000;
    this.writeSystemEvent('$epoch-information', '$epoch-information', { epochNumber: 0, epochId: randomUUID() });
    this.writeSystemEvent('$$$settings', '$metadata', { $acl: { $r: '$admins' } });
    this.writeSystemEvent('$settings', '$settings', { $userStreamAcl: { $r: '$all' }, $systemStreamAcl: { $r: '$admins' } });
  }

  get length(): number {
    return this.all.length;
  }

  /** The position just after the last record: where the next record goes, and where a backwards read of "end" starts. */
  get endPosition(): bigint {
    return this.nextPosition;
  }

  at(index: number): StoredEvent | undefined {
    return this.all[index];
  }

  stream(streamName: string): readonly StoredEvent[] | undefined {
    return this.streams.get(streamName);
  }

  /** Everything in `$all`, system events included; for assertions. */
  events(): readonly StoredEvent[] {
    return this.all;
  }

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What a process restart loses: the in-memory caches. The log itself is durable. */
  restart(): void {
    this.recentIds.clear();
    this.writeSystemEvent('$epoch-information', '$epoch-information', { epochNumber: 1, epochId: randomUUID() });
  }

  isDeleted(streamName: string): boolean {
    return this.deleted.has(streamName);
  }

  /** A hard delete: the stream can never be read, written or re-created; the tombstone stays in `$all`. */
  tombstone(streamName: string): StoredEvent {
    const event = this.write(streamName, TOMBSTONE_REVISION, {
      id: randomUUID(), type: '$streamDeleted', contentType: 'application/octet-stream', data: new Uint8Array(), metadata: new Uint8Array(),
    });
    this.deleted.add(streamName);
    this.notify();
    return event;
  }

  /**
   * `replicationDelayMs`: the write is committed on this node at once, but replicated to a quorum only that much
   * later; until then a retry of it is dropped (IdempotentNotReady) instead of being answered as already written.
   */
  append(streamName: string, expected: ExpectedVersion, events: readonly ProposedEvent[], replicationDelayMs = 0): AppendOutcome {
    if (this.deleted.has(streamName)) return { kind: 'stream-deleted' };
    const current = this.currentRevision(streamName);
    const decision = this.check(streamName, current, expected, events);
    if (decision.kind !== 'write') return decision.outcome;
    if (replicationDelayMs > 0) for (const event of events) this.unreplicated.set(event.id, Date.now() + replicationDelayMs);
    if (!events.length) return { kind: 'success', currentRevision: current, position: null };
    let revision = current ?? -1n;
    let last: StoredEvent | undefined;
    for (const event of events) last = this.write(streamName, ++revision, event);
    this.clientEventsSinceSystemEvent += events.length;
    if (this.systemEventEvery > 0 && this.clientEventsSinceSystemEvent >= this.systemEventEvery) {
      this.clientEventsSinceSystemEvent = 0;
      this.writeSystemEvent(STATS_STREAM, '$statsCollected', { 'proc-mem': process.memoryUsage().rss });
    }
    this.notify();
    return { kind: 'success', currentRevision: revision, position: last ? last.position : null };
  }

  /** A server-written event; `$`-prefixed streams and types by convention, though a test may choose otherwise. */
  writeSystemEvent(streamName: string, type: string, data: Record<string, unknown>): StoredEvent {
    const revision = (this.currentRevision(streamName) ?? -1n) + 1n;
    const event = this.write(streamName, revision, {
      id: randomUUID(), type, contentType: 'application/json', data: utf8(JSON.stringify(data)), metadata: new Uint8Array(),
    });
    this.notify();
    return event;
  }

  /** Index of the first event at or after `position`; `position` must be a record boundary the server handed out. */
  indexAtOrAfter(position: bigint): number {
    const index = this.lowerBound(position);
    if (!this.isBoundary(position, index)) throw new InvalidPosition(position);
    return index;
  }

  /** Index of the first event strictly after `position` (a subscription's exclusive start). */
  indexAfter(position: bigint): number {
    const index = this.lowerBound(position);
    if (!this.isBoundary(position, index)) throw new InvalidPosition(position);
    return index < this.all.length && this.all[index].position === position ? index + 1 : index;
  }

  private isBoundary(position: bigint, index: number): boolean {
    return position === 0n || position >= this.nextPosition || (index < this.all.length && this.all[index].position === position);
  }

  private lowerBound(position: bigint): number {
    let low = 0;
    let high = this.all.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.all[middle].position < position) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private currentRevision(streamName: string): bigint | null {
    const stream = this.streams.get(streamName);
    return stream?.length ? stream[stream.length - 1].revision : null;
  }

  /**
   * EventStoreDB's commit check. `any` and `stream_exists` de-duplicate through the recent-ids cache only (best
   * effort: a restart or a full cache forgets); an explicit revision or `no_stream` compares the ids with the events
   * already stored after that revision (durable). A batch that only partly matches is a wrong expected version.
   */
  private check(
    streamName: string, current: bigint | null, expected: ExpectedVersion, events: readonly ProposedEvent[],
  ): { kind: 'write' } | { kind: 'answer'; outcome: AppendOutcome } {
    const wrong = { kind: 'answer', outcome: { kind: 'wrong-expected-version', currentRevision: current } } as const;
    if (expected.kind === 'stream-exists' && current === null) return wrong;
    if (expected.kind === 'any' || expected.kind === 'stream-exists') {
      let first: StoredEvent | undefined;
      let last: StoredEvent | undefined;
      for (const event of events) {
        const known = this.recentIds.get(event.id);
        if (!known || known.streamName !== streamName) return first ? wrong : { kind: 'write' };
        first ??= known;
        last = known;
      }
      if (!last) return { kind: 'write' };
      return this.idempotent(events, last);
    }
    const expectedRevision = expected.kind === 'no-stream' ? -1n : expected.revision;
    const currentOrMinusOne = current ?? -1n;
    if (expectedRevision > currentOrMinusOne) return wrong;
    if (expectedRevision === currentOrMinusOne) return { kind: 'write' };
    if (!events.length) return wrong;
    const stored = this.streams.get(streamName) ?? [];
    let last: StoredEvent | undefined;
    for (const [offset, event] of events.entries()) {
      const candidate = stored[Number(expectedRevision) + 1 + offset];
      if (!candidate || candidate.id !== event.id) return wrong;
      last = candidate;
    }
    return this.idempotent(events, last!);
  }

  /** Already written: answered as the first append was, once replicated; dropped without an answer before. */
  private idempotent(events: readonly ProposedEvent[], last: StoredEvent): { kind: 'answer'; outcome: AppendOutcome } {
    const now = Date.now();
    for (const { id } of events) {
      const until = this.unreplicated.get(id);
      if (until === undefined) continue;
      if (until > now) return { kind: 'answer', outcome: { kind: 'dropped' } };
      this.unreplicated.delete(id);
    }
    return { kind: 'answer', outcome: { kind: 'success', currentRevision: last.revision, position: last.position } };
  }

  private write(streamName: string, revision: bigint, proposed: ProposedEvent): StoredEvent {
    const event: StoredEvent = {
      ...proposed, streamName, revision, created: ticksNow(), position: this.nextPosition,
    };
    this.nextPosition += RECORD_OVERHEAD + BigInt(
      Buffer.byteLength(streamName) + Buffer.byteLength(proposed.type) + proposed.data.length + proposed.metadata.length,
    );
    this.all.push(event);
    let stream = this.streams.get(streamName);
    if (!stream) this.streams.set(streamName, (stream = []));
    stream.push(event);
    this.recentIds.delete(event.id);
    this.recentIds.set(event.id, event);
    if (this.recentIds.size > this.idempotencyCacheSize) {
      this.recentIds.delete(this.recentIds.keys().next().value as string);
    }
    return event;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** A read or subscription from a position that is not a record boundary; EventStoreDB answers "invalid position". */
export class InvalidPosition extends Error {
  constructor(readonly position: bigint) {
    super(`Invalid position ${position}: not the start of a record`);
  }
}
