import type { Logger } from 'pino';
import type { FastifyReply, FastifyRequest } from '../http/ledger-request';
import type { LedgerMetrics } from './ledger-metrics';
import { REQUEST_ID_HEADER } from './request-id';
import { logRequest } from './request-logging';

/**
 * Echoes every request's id (Fastify's `genReqId` chose it), and logs and measures the request once it has ended:
 * one listener and no per-request logger. (pino-http did the same with two child loggers and three listeners a
 * request: about 6% of the server's CPU under load, for nothing the ledger uses.) An `onRequest` hook, so requests
 * refused before any route runs (bad JSON, too large) are logged and counted too.
 */
export const observeRequests = (logger: Logger, metrics: LedgerMetrics) => (request: FastifyRequest, reply: FastifyReply): void => {
  const startedAt = performance.now();
  reply.header(REQUEST_ID_HEADER, request.id);
  reply.raw.once('close', () => {
    const durationMs = performance.now() - startedAt;
    logRequest(logger, request, reply, durationMs);
    if (reply.raw.writableFinished) metrics.observe(request, reply, durationMs);
  });
};

export type RequestObserver = ReturnType<typeof observeRequests>;
