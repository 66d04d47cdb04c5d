import { CustodyError } from '@chip-ledger/domain';

/** The client's If-Match named a revision the stream has moved past. */
export class StaleRevision extends CustodyError {
  readonly code = 'stale-revision';
  constructor(readonly streamName: string, readonly expected: bigint, readonly actual: bigint | null) {
    super(`${streamName} is at revision ${actual ?? 'none'}, not ${expected}`, {
      streamName, expected: String(expected), actual: actual === null ? null : String(actual),
    });
  }
}

/** Other writers kept moving the streams this command needed; it was retried and gave up. */
export class ConcurrencyConflict extends CustodyError {
  readonly code = 'concurrency-conflict';
  constructor(readonly streamName: string, readonly attempts: number) {
    super(`${streamName} kept changing under ${attempts} attempts; retry the command`, { streamName, attempts });
  }
}
