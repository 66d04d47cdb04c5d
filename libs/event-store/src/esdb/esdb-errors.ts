import {
  CancelledError, DeadlineExceededError, NotLeaderError, TimeoutError, UnavailableError, WrongExpectedVersionError,
} from '@eventstore/db-client';
import { StoreUnavailable, WrongExpectedRevision } from '../event-store.errors';
import type { ExpectedRevision } from '../event-store.port';

/** gRPC status codes that mean "no answer": UNAVAILABLE, CANCELLED, DEADLINE_EXCEEDED, ABORTED. */
const TRANSIENT_CODES = new Set([14, 1, 4, 10]);

const isTransient = (error: unknown): boolean =>
  error instanceof UnavailableError ||
  error instanceof CancelledError ||
  error instanceof DeadlineExceededError ||
  error instanceof TimeoutError ||
  error instanceof NotLeaderError ||
  (typeof error === 'object' && error !== null && TRANSIENT_CODES.has((error as { code?: unknown }).code as number)) ||
  // Cluster discovery gave up: no node answered gossip.
  (error instanceof Error && /^Failed to discover/.test(error.message));

/** Maps a client error to the port's: a lost connection or an unanswered call is StoreUnavailable; others pass. */
export const toStoreError = (error: unknown, operation: string): unknown => {
  if (error instanceof StoreUnavailable) return error;
  if (isTransient(error)) {
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
