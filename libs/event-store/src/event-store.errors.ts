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

/** The store could not be reached or dropped the call; the outcome of a write in flight is unknown. */
export class StoreUnavailable extends Error {
  readonly code = 'store-unavailable';
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'StoreUnavailable';
  }
}
