import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import type { Level, Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Actor } from '@chip-ledger/domain';
import { assignRequestId } from './request-id';
import { commandOutcome, peekObservation, routePattern } from './request-observation';

/** The store is down or full: the server is fine and says so; the cause is logged (once per interval) by the filter. */
const EXPECTED_OUTAGES = new Set([503, 507]);

const levelFor = (_: IncomingMessage, response: ServerResponse, error?: Error): Level => {
  if (error || (response.statusCode >= 500 && !EXPECTED_OUTAGES.has(response.statusCode))) return 'error';
  return response.statusCode >= 500 ? 'warn' : 'info';
};

/** One access line per request: who asked for what, which command it ran and how that ended, and how long it took. */
const accessFields = (incoming: IncomingMessage, outgoing: ServerResponse, durationMs: number): Record<string, unknown> => {
  const request = incoming as Request & { actor?: Actor };
  const response = outgoing as Response;
  const fields: Record<string, unknown> = {
    method: request.method, route: routePattern(request), status: response.statusCode, durationMs,
  };
  if (request.actor) fields.party = request.actor.partyId;
  const observation = peekObservation(response);
  if (observation?.command) {
    fields.command = observation.command.type;
    fields.commandId = observation.command.id;
    fields.outcome = commandOutcome(response);
  }
  if (observation?.problemCode) fields.code = observation.problemCode;
  return fields;
};

/**
 * pino-http, shaped for the ledger: a request id for every request (and on `req.log`, for anything that logs through
 * it), and a flat access line when it ends. Headers are never serialized.
 */
export const requestLogging = (logger: Logger) => pinoHttp({
  logger,
  genReqId: assignRequestId,
  customAttributeKeys: { reqId: 'requestId' },
  quietReqLogger: true,
  quietResLogger: true,
  wrapSerializers: false,
  serializers: { req: () => undefined },
  customLogLevel: levelFor,
  customSuccessObject: (request, response, { responseTime }: { responseTime: number }) => accessFields(request, response, responseTime),
  customErrorObject: (request, response, _error, { responseTime }: { responseTime: number }) => accessFields(request, response, responseTime),
  customSuccessMessage: (request, response) => (response.writableEnded && !request.readableAborted ? 'request completed' : 'request aborted'),
  customErrorMessage: () => 'request failed',
});
