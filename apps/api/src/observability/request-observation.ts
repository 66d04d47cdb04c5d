import type { FastifyReply, FastifyRequest } from '../http/ledger-request';

/** What a request's log line and metrics need to know beyond the HTTP exchange itself. */
export type RequestObservation = {
  /** The command the request ran, once it got as far as the command gateway. */
  command?: { readonly type: string; readonly id: string; readonly startedAt: number };
  /** The problem code of an error answer. */
  problemCode?: string;
  /** The error behind an error answer (the store errors metric classifies it). */
  error?: unknown;
};

const OBSERVATION = Symbol('chip-ledger:observation');
type Observed = FastifyReply & { [OBSERVATION]?: RequestObservation };

/** The response's observation, created on first use (most queries never need one). */
export const observationOf = (response: FastifyReply): RequestObservation => {
  const observed = response as Observed;
  return (observed[OBSERVATION] ??= {});
};

/** The observation if anything was noted, without creating one. */
export const peekObservation = (response: FastifyReply): RequestObservation | undefined => (response as Observed)[OBSERVATION];

/** Called by the command gateway before it runs a command; the clock starts here. */
export const noteCommand = (response: FastifyReply, type: string, id: string): void => {
  observationOf(response).command = { type, id, startedAt: performance.now() };
};

/** Called by the problem details filter for every error answer. */
export const noteProblem = (response: FastifyReply, code: string, error: unknown): void => {
  const observation = observationOf(response);
  observation.problemCode = code;
  observation.error = error;
};

export const COMMAND_OUTCOMES = ['accepted', 'replayed', 'refused', 'failed'] as const;
export type CommandOutcome = (typeof COMMAND_OUTCOMES)[number];

/** Read from the answer the client got, so logs and metrics agree with it: refused is 4xx, failed is 5xx. */
export const commandOutcome = (response: FastifyReply): CommandOutcome => {
  if (response.statusCode >= 500) return 'failed';
  if (response.statusCode >= 400) return 'refused';
  return response.getHeader('Idempotent-Replayed') === 'true' ? 'replayed' : 'accepted';
};

/** The route's pattern (`/assets/:assetId`), never the raw path: ids would make every asset its own label. */
export const routePattern = (request: FastifyRequest): string => (request.is404 ? 'unmatched' : request.routeOptions.url ?? 'unmatched');
