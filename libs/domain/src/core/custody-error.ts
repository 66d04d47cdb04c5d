/**
 * Every code a refusal of a command can carry, the domain's and the command path's (stale-revision,
 * concurrency-conflict). An error class must use one of these; a new code added here makes the compiler list the
 * tables keyed by code that need it (the API's HTTP status per code).
 */
export type CustodyErrorCode =
  | 'not-permitted' | 'invalid-reference' | 'occurred-in-future' | 'already-registered' | 'not-registered'
  | 'asset-not-found' | 'asset-already-exists' | 'invalid-transition' | 'asset-is-packed' | 'not-a-container'
  | 'packing-cycle' | 'nesting-too-deep' | 'already-packed' | 'not-packed-in' | 'facility-mismatch'
  | 'container-not-empty' | 'customs-hold-active' | 'not-held-by-customs' | 'occurred-before-latest-change'
  | 'outside-jurisdiction'
  | 'stale-revision' | 'concurrency-conflict';

/** Domain errors: a stable code and data, nothing about transport. The API maps codes to statuses. */
export abstract class CustodyError extends Error {
  abstract readonly code: CustodyErrorCode;
  constructor(
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}
