import type { FastifyError } from 'fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { LedgerConfig } from '@chip-ledger/runtime';
import { REQUEST_ID_HEADER, requestIdFor } from '../observability/request-id';
import { byteSize } from './byte-size';
import { answerClientError } from './client-error-answers';
import type { FastifyReply, FastifyRequest } from './ledger-request';
import { PROBLEM_TYPE_BASE } from './problem-details.filter';

/** Node's own default (Fastify's is none): a request that has not fully arrived after five minutes is answered 408. */
const REQUEST_TIMEOUT_MS = 300_000;
/** Ids are up to 128 characters (ID_PATTERN); a longer path parameter must reach ParseIdPipe and be refused there, 400. */
const MAX_PARAM_LENGTH = 1024;

/**
 * The few errors Fastify answers before any hook or route runs (a path with bad %-encoding): problem+json like every
 * other error, with the request's id.
 */
const answerFrameworkError = (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
  const body = {
    type: `${PROBLEM_TYPE_BASE}malformed-request`, title: 'Bad Request', status: 400, detail: 'The request cannot be parsed',
    instance: request.url, code: 'malformed-request',
  };
  void reply.status(400).header(REQUEST_ID_HEADER, request.id).type('application/problem+json').send(JSON.stringify(body));
  // Only FST_ERR_BAD_URL reaches here (the others need constraints or long parameters this API does not have).
  void error;
};

/** The HTTP server of the API: Fastify, with Node's limits and the API's error answers. */
export const ledgerHttpAdapter = (config: LedgerConfig): FastifyAdapter =>
  new FastifyAdapter({
    bodyLimit: byteSize(config.bodyLimit),
    requestTimeout: REQUEST_TIMEOUT_MS,
    genReqId: requestIdFor,
    requestIdHeader: false,
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH, ignoreTrailingSlash: true },
    // No Nest middleware: the API's per-request work is in Fastify hooks (configure-app.ts).
    skipMiddie: true,
  });
