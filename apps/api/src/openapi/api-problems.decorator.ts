import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { HeaderObject } from '@nestjs/swagger';
import { STATUS_BY_CODE } from '../http/problem-details.filter';
import { PROBLEM_CONTENT_TYPE, ProblemDetailsDto } from './problem-details.dto';

/** The error statuses the API answers, each as problem+json. */
export type ProblemStatus = 400 | 401 | 403 | 404 | 408 | 409 | 410 | 412 | 413 | 415 | 417 | 422 | 429 | 431 | 503 | 507;

const MEANINGS = {
  400: 'Malformed or invalid request: validation-failed (each field at fault in `errors`), or a code naming what could not be read (e.g. malformed-json). Nothing was written.',
  401: 'No API key, or an unknown or revoked one (unauthenticated).',
  403: 'The party may not do this.',
  404: 'Unknown, or not visible to this party (the API does not disclose what a party may not read).',
  408: 'The request did not arrive in time.',
  409: 'The current state does not allow it; concurrency-conflict when concurrent writers kept winning (retry).',
  410: 'The stream was deleted for good in the event store (stream-deleted, an EventStoreDB tombstone): do not retry. Nothing was written.',
  412: 'If-Match names a revision the stream is no longer at.',
  413: 'The body is larger than the server accepts (body-too-large), or the events larger than the event store accepts in one append (append-too-large). Nothing was written.',
  415: 'The body is not UTF-8 JSON.',
  417: 'An Expect header other than 100-continue.',
  422: 'The request is well-formed but names something that cannot play its part.',
  429: 'Too many requests: retry after Retry-After.',
  431: 'The request headers are too large.',
  503: 'The event store cannot be reached (store-unavailable) or the read models are behind (read-model-behind). Nothing was written: retry after Retry-After, with the same Idempotency-Key.',
  507: 'The store is out of space. Nothing was written: retry after Retry-After, with the same Idempotency-Key.',
} satisfies Record<ProblemStatus, string>;

export const RETRY_AFTER: HeaderObject = {
  description: 'Seconds to wait before retrying',
  schema: { type: 'string', pattern: '^\\d+$', example: '1' },
};

const HEADERS: Partial<Record<ProblemStatus, Record<string, HeaderObject>>> = {
  401: { 'WWW-Authenticate': { description: 'Bearer', schema: { type: 'string', example: 'Bearer' } } },
  429: { 'Retry-After': RETRY_AFTER },
  503: { 'Retry-After': RETRY_AFTER },
  507: { 'Retry-After': RETRY_AFTER },
};

/** The domain's codes for a status, from the filter's table, so the document lists what a client may branch on. */
const domainCodes = (status: number): string[] =>
  Object.entries(STATUS_BY_CODE).filter(([, mapped]) => mapped === status).map(([code]) => code);

const describe = (status: ProblemStatus): string => {
  const codes = domainCodes(status);
  return codes.length ? `${MEANINGS[status]} Codes: ${codes.join(', ')}.` : MEANINGS[status];
};

/** Documents each status as problem+json with the shared ProblemDetails schema (and Retry-After where it applies). */
export const ApiProblems = (...statuses: readonly ProblemStatus[]) =>
  applyDecorators(
    ApiExtraModels(ProblemDetailsDto),
    ...[...new Set(statuses)].sort((a, b) => a - b).map((status) => ApiResponse({
      status,
      description: describe(status),
      content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDetailsDto) } } },
      ...(HEADERS[status] ? { headers: HEADERS[status] } : {}),
    })),
  );
