import type { ArgumentsHost, ExceptionFilter } from '@nestjs/common';
import { Catch, HttpException } from '@nestjs/common';
import type { CustodyErrorCode } from '@chip-ledger/domain';
import { CustodyError } from '@chip-ledger/domain';
import { AppendTooLarge, StoreFull, StoreUnavailable, StreamDeleted, sqliteStorageFailure } from '@chip-ledger/event-store';
import { InvalidCursor, InvalidTime } from '@chip-ledger/projections';
import { Unauthenticated } from '../auth/unauthenticated';
import { RepeatedErrorLog, errorKey } from '../observability/repeated-error-log';
import type { FastifyReply, FastifyRequest } from './ledger-request';
import { noteProblem } from '../observability/request-observation';
import { ReadModelBehind } from './read-side';
import { RequestValidationFailed } from './validation';

export const PROBLEM_TYPE_BASE = 'https://chip-ledger.dev/problems/';

/** One table from domain error codes to HTTP statuses: a new code does not compile until it has its status here. */
export const STATUS_BY_CODE = {
  'asset-not-found': 404,
  'not-permitted': 403,
  'outside-jurisdiction': 403,
  'asset-already-exists': 409,
  'already-registered': 409,
  'invalid-transition': 409,
  'asset-is-packed': 409,
  'already-packed': 409,
  'not-packed-in': 409,
  'facility-mismatch': 409,
  'container-not-empty': 409,
  'customs-hold-active': 409,
  'not-held-by-customs': 409,
  'concurrency-conflict': 409,
  'occurred-before-latest-change': 409,
  'stale-revision': 412,
  'invalid-reference': 422,
  'not-a-container': 422,
  'packing-cycle': 422,
  'nesting-too-deep': 422,
  'occurred-in-future': 422,
  'not-registered': 404,
} as const satisfies Record<CustodyErrorCode, number>;

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 410: 'Gone', 412: 'Precondition Failed', 413: 'Content Too Large', 415: 'Unsupported Media Type',
  417: 'Expectation Failed', 422: 'Unprocessable Content', 431: 'Request Header Fields Too Large',
  500: 'Internal Server Error', 503: 'Service Unavailable', 507: 'Insufficient Storage',
};

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  [extension: string]: unknown;
};

type BodyError = { type?: unknown; status?: unknown; statusCode?: unknown; message?: unknown };

/**
 * Fastify's own refusals (FST_ERR_CTP_*: a body over the limit, of no type it parses, shorter than its Content-Length),
 * which Nest hands on as bare HttpExceptions of their status.
 */
const FASTIFY_REFUSALS: Readonly<Record<number, { code: string; detail: string }>> = {
  400: { code: 'malformed-request', detail: 'The request cannot be parsed' },
  413: { code: 'body-too-large', detail: 'The body is larger than this server accepts' },
  415: { code: 'unsupported-media-type', detail: 'Send the body as application/json' },
};

/** Errors of reading a body (json-body-guard's BodyRefused, a stream's) are not Nest exceptions. */
const bodyProblem = (error: BodyError): { status: number; code: string; detail: string } | null => {
  const status = error.status ?? error.statusCode;
  switch (error.type) {
    case 'entity.parse.failed': return { status: 400, code: 'malformed-json', detail: 'The body is not valid JSON' };
    case 'entity.too.large': return { status: 413, code: 'body-too-large', detail: 'The body is larger than this server accepts' };
    case 'entity.too.deep': return { status: 400, code: 'body-too-deep', detail: String(error.message) };
    case 'entity.not.utf8': return { status: 400, code: 'invalid-utf8', detail: 'The body is not valid UTF-8' };
    case 'content-type.unsupported': return { status: 415, code: 'unsupported-media-type', detail: 'Send the body as application/json' };
    case 'encoding.unsupported':
    case 'charset.unsupported': return { status: 415, code: 'unsupported-encoding', detail: 'Send the body as UTF-8 JSON' };
    default:
      // e.g. a body declared gzip that does not inflate: the stream's own error, given a 400 by Fastify.
      return typeof status === 'number' && status >= 400 && status < 500
        ? { status, code: status === 400 ? 'malformed-body' : `http-${status}`, detail: 'The body cannot be read' }
        : null;
  }
};

/** Every error leaves as RFC 9457 problem+json; unexpected ones say nothing of the internals. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly errors: RepeatedErrorLog) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const response = http.getResponse<FastifyReply>();
    const problem = this.toProblem(error, request.originalUrl ?? request.url);
    noteProblem(response, problem.code, error);
    if (problem.status >= 500) this.logServerSide(error, problem, request.id);
    if (problem.status === 503) response.header('Retry-After', '1');
    // Space comes back when someone frees it: no use asking every second.
    if (problem.status === 507) response.header('Retry-After', '10');
    if (problem.status === 401) response.header('WWW-Authenticate', 'Bearer');
    void response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  /** Every 5xx is logged with its cause, once per interval per kind of error (see RepeatedErrorLog). */
  private logServerSide(error: unknown, problem: Problem, requestId: string): void {
    this.errors.report({
      key: errorKey(problem.code, error),
      level: problem.status === 500 ? 'error' : 'warn',
      error,
      message: problem.status === 500 ? 'Unexpected error answered 500' : `Answered ${problem.status} ${problem.code}`,
      fields: { requestId, status: problem.status, code: problem.code },
    });
  }

  private toProblem(error: unknown, instance: string): Problem {
    const make = (status: number, code: string, detail: string, extensions: Record<string, unknown> = {}): Problem => ({
      ...extensions, type: `${PROBLEM_TYPE_BASE}${code}`, title: TITLES[status] ?? 'Error', status, detail, instance, code,
    });
    if (error instanceof RequestValidationFailed) return make(400, 'validation-failed', 'The request is not valid', { errors: error.errors });
    if (error instanceof CustodyError) {
      return make(STATUS_BY_CODE[error.code], error.code, error.message, { ...error.details });
    }
    if (error instanceof InvalidCursor) return make(400, error.code, `${error.message}; start again without a cursor`);
    if (error instanceof InvalidTime) return make(400, error.code, error.message);
    if (error instanceof Unauthenticated) return make(401, error.code, error.message);
    if (error instanceof ReadModelBehind) return make(503, error.code, error.message, error.extensions);
    // Deleted for good (an EventStoreDB tombstone): no retry and no other state will bring it back.
    if (error instanceof StreamDeleted) return make(410, error.code, error.message, { streamName: error.streamName });
    if (error instanceof AppendTooLarge) return make(413, error.code, error.message, { maxAppendSize: error.maxAppendSize });
    // A read model's file failing (no space, I/O) is the same condition as the event store's, seen from a query.
    const storage = error instanceof StoreFull || error instanceof StoreUnavailable ? error : sqliteStorageFailure(error, 'A read model');
    if (storage instanceof StoreFull) {
      return make(507, storage.code, 'The ledger has no storage space left; nothing was written. Retry once space has been freed');
    }
    if (storage) {
      return make(503, storage.code, storage.nothingWritten
        ? 'The ledger cannot use its storage; nothing was written. Retry later'
        : 'The event store cannot be reached; the command may be retried with the same Idempotency-Key');
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const refusal = FASTIFY_REFUSALS[status];
      if (refusal && !(error instanceof RequestValidationFailed)) return make(status, refusal.code, refusal.detail);
      return make(status, status === 404 ? 'not-found' : `http-${status}`, error.message);
    }
    const parsed = typeof error === 'object' && error !== null ? bodyProblem(error as BodyError) : null;
    if (parsed) return make(parsed.status, parsed.code, parsed.detail);
    return { type: 'about:blank', title: TITLES[500], status: 500, detail: 'An unexpected error occurred', instance, code: 'internal' };
  }
}
