/**
 * The one seam between the ledger and a store. Two adapters implement it: embedded SQLite (the default) and
 * EventStoreDB. Both pass test/event-store/conformance. Semantics follow EventStoreDB's, so the embedded store
 * teaches nothing the production store would contradict.
 */

/** `any`: no check. `no-stream`: the stream must not exist. `exists`: it must. A bigint: its last event's revision. */
export type ExpectedRevision = 'any' | 'no-stream' | 'exists' | bigint;

/**
 * A place in the global log. EventStoreDB positions are (commit, prepare) byte offsets, not dense;
 * the embedded store uses its sequence number for both. Compare with `comparePositions`.
 */
export type GlobalPosition = { readonly commit: bigint; readonly prepare: bigint };

export type JsonObject = { readonly [key: string]: unknown };

export type EventToAppend = {
  /** A UUID. Re-appending the same ids at the same place is a no-op that answers as the first append did. */
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
};

export type RecordedEvent = {
  readonly id: string;
  readonly type: string;
  readonly streamName: string;
  readonly revision: bigint;
  readonly position: GlobalPosition;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  /** When the store wrote it. */
  readonly created: Date;
};

export type AppendResult = {
  /** Revision of the last event now in the stream: the expected revision for the next append. */
  readonly nextExpectedRevision: bigint;
  /** Position of the last event written (or found, for an idempotent retry). */
  readonly position: GlobalPosition;
};

export type StreamWrite = {
  readonly streamName: string;
  readonly events: readonly EventToAppend[];
  readonly expectedRevision: ExpectedRevision;
};

export type Direction = 'forwards' | 'backwards';

export type ReadStreamOptions = {
  readonly direction?: Direction;
  /** Inclusive. Default: the start (forwards) or the end (backwards). */
  readonly fromRevision?: bigint;
  readonly maxCount?: number;
};

export type ReadAllOptions = {
  readonly direction?: Direction;
  /** Inclusive. Default: the start (forwards) or the end (backwards). */
  readonly fromPosition?: GlobalPosition;
  readonly maxCount?: number;
  readonly filter?: EventFilter;
};

/** Which events of the global log to deliver. System events (`$`-prefixed types) are never delivered. */
export type EventFilter = { readonly streamNamePrefixes: readonly string[] };

export type SubscribeToAllOptions = {
  /** Exclusive: delivery starts after this position. `start` delivers everything. */
  readonly from: GlobalPosition | 'start';
  readonly filter?: EventFilter;
  /** Upper bound on one handler call's batch. */
  readonly maxBatchSize?: number;
};

/**
 * A catch-up subscription: history from `from`, then live events, in global order, without gaps or duplicates.
 * The handler is called with one batch at a time and the next batch waits for it to resolve.
 */
export type StoreSubscription = {
  /** Settles when the subscription ends: resolves on `close()`, rejects if the store drops it or the handler throws. */
  readonly done: Promise<void>;
  close(): Promise<void>;
};

export type BatchHandler = (batch: readonly RecordedEvent[]) => Promise<void> | void;

/** EventStoreDB: the node the client talks to, and whether it is the cluster's leader (as of the last ping). */
export type StoreNode = { readonly endpoint: string | null; readonly leader: boolean | null };

export type StoreInfo = { readonly kind: 'sqlite' | 'eventstoredb'; readonly location: string; readonly node?: StoreNode };

export interface EventStore {
  readonly info: StoreInfo;
  /**
   * Throws WrongExpectedRevision when the stream is not at `expectedRevision`, StreamDeleted when it was deleted for
   * good, AppendTooLarge beyond the store's limit; writes nothing then. StoreUnavailable: the outcome is unknown.
   */
  appendToStream(streamName: string, events: readonly EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  /**
   * Several streams, in order. Atomic on the embedded store. EventStoreDB (client 6) has no multi-stream
   * transaction: writes go one by one and an interrupted call is completed by retrying it with the same event ids.
   */
  appendToStreams(writes: readonly StreamWrite[]): Promise<AppendResult[]>;
  /**
   * A missing stream reads as empty; a deleted one throws StreamDeleted. Always the latest copy (on a cluster, the
   * leader's): commands decide on what it returns.
   */
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  subscribeToAll(options: SubscribeToAllOptions, handler: BatchHandler): StoreSubscription;
  /** Position of the last event in the log (any event, system events included), or null when empty. */
  headPosition(): Promise<GlobalPosition | null>;
  /** Cheap round trip to the store, for health checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');
