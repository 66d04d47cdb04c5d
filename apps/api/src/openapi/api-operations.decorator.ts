import { applyDecorators } from '@nestjs/common';
import type { Type } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiSecurity } from '@nestjs/swagger';
import type { HeaderObject } from '@nestjs/swagger';
import { CommandResponseDto } from '../http/command-response.dto';
import type { ProblemStatus } from './api-problems.decorator';
import { ApiProblems } from './api-problems.decorator';

/** Names of the security schemes in the document (see openapi-document.ts). */
export const BEARER_SCHEME = 'bearer';
export const API_KEY_HEADER_SCHEME = 'api-key';

/**
 * What any request can meet before a route runs: malformed HTTP, URL or body (400), too slow (408), an oversized or
 * non-JSON body (413, 415), an unsupported Expect (417), oversized headers (431).
 */
export const REQUEST_PROBLEMS: readonly ProblemStatus[] = [400, 408, 413, 415, 417, 431];
/** With an API key: an unknown key; a store that cannot be asked about a new key, or a read side that is behind. */
export const AUTHENTICATED_PROBLEMS: readonly ProblemStatus[] = [...REQUEST_PROBLEMS, 401, 503];
/** Every command: roles, state and concurrency (409), a deleted stream (410), If-Match (412), a full store (507). */
export const COMMAND_PROBLEMS: readonly ProblemStatus[] = [...AUTHENTICATED_PROBLEMS, 403, 409, 410, 412, 507];

const ETAG: HeaderObject = {
  description: 'Revision of the stream the command wrote to (absent if it wrote nothing to a stream that does not exist). Send it back as If-Match to write only if nothing changed since.',
  schema: { type: 'string', pattern: '^"\\d+"$', example: '"3"' },
};
const IDEMPOTENT_REPLAYED: HeaderObject = {
  description: '`true` when this is the stored answer to an earlier request with the same Idempotency-Key: nothing new was written',
  schema: { type: 'string', enum: ['true'] },
};

const ApiAuthenticated = () => applyDecorators(ApiBearerAuth(BEARER_SCHEME), ApiSecurity(API_KEY_HEADER_SCHEME));

type CommandOptions = {
  readonly summary: string;
  /** The answer's status and body: 201 with the command's result unless said otherwise. */
  readonly status?: 200 | 201;
  readonly response?: Type<unknown>;
  /** Statuses this command can answer beyond every command's (COMMAND_PROBLEMS): 404, 422. */
  readonly problems?: readonly ProblemStatus[];
  /** False for a command whose answer cannot be replayed (an issued secret): no Idempotency-Key. */
  readonly idempotent?: boolean;
};

/** A command: its answer with ETag (and Idempotent-Replayed), its request headers, every problem it can answer. */
export const ApiCommand = ({ summary, status = 201, response = CommandResponseDto, problems = [], idempotent = true }: CommandOptions) =>
  applyDecorators(
    ApiOperation({ summary }),
    ApiAuthenticated(),
    ...(idempotent
      ? [ApiHeader({
        name: 'Idempotency-Key', required: false, schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,200}$' },
        description: 'Retrying with the same key never writes twice and answers the same (with Idempotent-Replayed: true)',
      })]
      : []),
    ApiHeader({
      name: 'If-Match', required: false, schema: { type: 'string', example: '"3"' },
      description: 'The ETag (stream revision) last seen: refuse with 412 if the stream has changed since',
    }),
    ApiHeader({ name: 'X-Correlation-Id', required: false, description: 'Recorded with the events, to tie a workflow\'s commands together' }),
    ApiResponse({
      status, type: response, description: 'Written (or, with a replayed Idempotency-Key, written before)',
      headers: idempotent ? { ETag: ETAG, 'Idempotent-Replayed': IDEMPOTENT_REPLAYED } : { ETag: ETAG },
    }),
    ApiProblems(...COMMAND_PROBLEMS, ...problems),
  );

type ReadOptions = {
  readonly summary: string;
  readonly response: Type<unknown>;
  readonly isArray?: boolean;
  /** Statuses this query can answer beyond every authenticated request's (AUTHENTICATED_PROBLEMS): 403, 404. */
  readonly problems?: readonly ProblemStatus[];
};

/** A query that needs an API key. */
export const ApiRead = ({ summary, response, isArray = false, problems = [] }: ReadOptions) =>
  applyDecorators(
    ApiOperation({ summary }),
    ApiAuthenticated(),
    ApiResponse({ status: 200, type: response, isArray, description: 'OK' }),
    ApiProblems(...AUTHENTICATED_PROBLEMS, ...problems),
  );

/** A query anyone may make: no key, so no 401, and nothing it reads can be behind. */
export const ApiPublicRead = ({ summary, response, isArray = false }: Omit<ReadOptions, 'problems'>) =>
  applyDecorators(
    ApiOperation({ summary, security: [] }),
    ApiResponse({ status: 200, type: response, isArray, description: 'OK' }),
    ApiProblems(...REQUEST_PROBLEMS),
  );
