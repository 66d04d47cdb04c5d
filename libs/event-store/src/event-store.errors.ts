import type { ExpectedRevision } from './event-store.port';

/** The stream was not at the expected revision. Nothing was written. */
export class WrongExpectedRevision extends Error {
  readonly code = 'wrong-expected-revision';
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    /** The stream's actual last revision, or 'no-stream'. */
    readonly actual: bigint | 'no-stream',
  ) {
    super(`Stream ${streamName} expected at ${String(expected)}, actually at ${String(actual)}`);
    this.name = 'WrongExpectedRevision';
  }
}

/**
 * The store could not be reached, dropped the call, or cannot use its storage (a file gone, read-only, failing I/O).
 * `nothingWritten`: the store knows the write in flight was not stored (the embedded store rolled it back); false
 * when its outcome is unknown (a server that stopped answering may have stored it: retry with the same ids).
 */
export class StoreUnavailable extends Error {
  readonly code = 'store-unavailable';
  readonly nothingWritten: boolean;
  constructor(message: string, override readonly cause?: unknown, options: { readonly nothingWritten?: boolean } = {}) {
    super(message);
    this.name = 'StoreUnavailable';
    this.nothingWritten = options.nothingWritten ?? false;
  }
}

/** The store has no space left for the write (a full disk or quota). Nothing was written; it may succeed once space returns. */
export class StoreFull extends Error {
  readonly code = 'storage-full';
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'StoreFull';
  }
}

/** The stream was deleted for good (an EventStoreDB tombstone): it can never be read, written or created again. */
export class StreamDeleted extends Error {
  readonly code = 'stream-deleted';
  constructor(readonly streamName: string, override readonly cause?: unknown) {
    super(`Stream ${streamName} has been deleted and cannot be read or written`);
    this.name = 'StreamDeleted';
  }
}

/** One append carried more than the store accepts (EventStoreDB's MaxAppendSize). Nothing was written. */
export class AppendTooLarge extends Error {
  readonly code = 'append-too-large';
  constructor(readonly streamName: string, readonly maxAppendSize: number) {
    super(`An append to ${streamName} exceeds the store's maximum append size of ${maxAppendSize} bytes`);
    this.name = 'AppendTooLarge';
  }
}
