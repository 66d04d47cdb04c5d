import {
  CancelledError, DeadlineExceededError, MaxAppendSizeExceededError, NotLeaderError, StreamDeletedError, TimeoutError,
  UnavailableError, UnknownError, WrongExpectedVersionError,
} from '@eventstore/db-client';
import { AppendTooLarge, StoreUnavailable, StreamDeleted, WrongExpectedRevision } from '../event-store.errors';
import type { ExpectedRevision } from '../event-store.port';

/** gRPC status codes that mean "no answer": UNAVAILABLE, CANCELLED, DEADLINE_EXCEEDED, ABORTED. */
const TRANSIENT_CODES = new Set([14, 1, 4, 10]);

/**
 * What EventStoreDB 24.10 answers while it cannot take a request, as client 6.2.1 surfaces it. Over BatchAppend,
 * NotReady and TooBusy come as a status with no code and empty details, which the client turns into an UnknownError
 * "Could not recognize Server Is Not Ready" (or "... Server Is Busy"); over Append, as UNAVAILABLE "Server Is Not
 * Ready" / "Server Is Too Busy". A follower with no leader to name answers "No leader info available in response".
 */
const NOT_READY_OR_BUSY = /Server Is (Not Ready|Busy|Too Busy)|No leader info available/i;

/** The node is not the leader (and named the leader: the client has switched to it for the next call). */
export const isNotLeader = (error: unknown): boolean => error instanceof NotLeaderError;

/** No answer, or "not now": the request may or may not have been carried out (appends) and may be tried again. */
export const isTransient = (error: unknown): boolean =>
  error instanceof UnavailableError ||
  error instanceof CancelledError ||
  error instanceof DeadlineExceededError ||
  error instanceof TimeoutError ||
  error instanceof NotLeaderError ||
  error instanceof StoreUnavailable ||
  (error instanceof UnknownError && NOT_READY_OR_BUSY.test(error.message)) ||
  (typeof error === 'object' && error !== null && TRANSIENT_CODES.has((error as { code?: unknown }).code as number));

/** Cluster discovery gave up: no seed answered gossip. Retrying at once only repeats the wait. */
export const isDiscoveryFailure = (error: unknown): boolean => error instanceof Error && /^Failed to discover/.test(error.message);

/** Maps a client error to the port's: no answer or "not now" is StoreUnavailable; a tombstone, StreamDeleted. */
export const toStoreError = (error: unknown, operation: string, streamName?: string): unknown => {
  if (error instanceof StoreUnavailable || error instanceof StreamDeleted || error instanceof AppendTooLarge) return error;
  if (error instanceof StreamDeletedError) return new StreamDeleted(streamName ?? error.streamName, error);
  if (error instanceof MaxAppendSizeExceededError) return new AppendTooLarge(streamName ?? '', error.maxAppendSize);
  if (isTransient(error) || isDiscoveryFailure(error)) {
    const reason = error instanceof Error ? error.message : String(error);
    return new StoreUnavailable(`EventStoreDB did not answer ${operation}: ${reason}`, error);
  }
  return error;
};

export const toWrongExpectedRevision = (
  error: WrongExpectedVersionError, streamName: string, expected: ExpectedRevision,
): WrongExpectedRevision =>
  new WrongExpectedRevision(streamName, expected, typeof error.actualVersion === 'bigint' ? error.actualVersion : 'no-stream');

export { WrongExpectedVersionError };
