import type { FastifyReply, FastifyRequest } from '../http/ledger-request';
import type { Level, Logger } from 'pino';
import { commandOutcome, peekObservation, routePattern } from './request-observation';

/** The store is down or full: the server is fine and says so; the cause is logged (once per interval) by the filter. */
const EXPECTED_OUTAGES = new Set([503, 507]);

const levelFor = (status: number): Level => {
  if (status < 500) return 'info';
  return EXPECTED_OUTAGES.has(status) ? 'warn' : 'error';
};

/**
 * The access line of a request that has ended: its id, who asked for what, which command it ran and how that ended,
 * and how long it took. Headers and bodies are never logged.
 */
export const logRequest = (logger: Logger, request: FastifyRequest, response: FastifyReply, durationMs: number): void => {
  const finished = response.raw.writableFinished;
  const level = finished ? levelFor(response.statusCode) : 'warn';
  if (!logger.isLevelEnabled(level)) return;
  const fields: Record<string, unknown> = {
    requestId: request.id, method: request.method, route: routePattern(request), status: response.statusCode,
    durationMs: Math.round(durationMs * 10) / 10,
  };
  if (request.actor) fields.party = request.actor.partyId;
  const observation = peekObservation(response);
  if (observation?.command) {
    fields.command = observation.command.type;
    fields.commandId = observation.command.id;
    fields.outcome = commandOutcome(response);
  }
  if (observation?.problemCode) fields.code = observation.problemCode;
  logger[level](fields, finished ? (response.statusCode >= 500 ? 'request failed' : 'request completed') : 'request aborted');
};
