import type { ExecutionContext } from '@nestjs/common';
import { createParamDecorator } from '@nestjs/common';
import type { Actor } from '@chip-ledger/domain';
import { noteCommand } from '../observability/request-observation';
import type { FastifyReply, FastifyRequest } from './ledger-request';
import { RequestValidationFailed } from './validation';

/** What a command takes from the request besides its body: who sends it, and the retry and concurrency headers. */
export type CommandContext = {
  readonly actor: Actor;
  readonly idempotencyKey: string | undefined;
  readonly ifMatch: bigint | undefined;
  readonly correlationId: string | undefined;
  /** Tells the request's log line and metrics which command it runs (the clock of the command starts here). */
  readonly noteCommand: (type: string, commandId: string) => void;
};

/** Idempotency keys and correlation ids are stored with every event they produce: short, visible ASCII. */
const REQUEST_TOKEN = /^[\x21-\x7e]{1,200}$/;
const ETAG = /^(?:W\/)?"?(\d{1,20})"?$/;

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const parseIfMatch = (value: string | undefined): bigint | undefined => {
  if (value === undefined) return undefined;
  const match = ETAG.exec(value.trim());
  if (!match) throw new RequestValidationFailed([{ field: 'If-Match', messages: ['If-Match must be an ETag from this API, e.g. "3"'] }]);
  return BigInt(match[1]);
};

export const CommandContextParam = createParamDecorator((_: unknown, context: ExecutionContext): CommandContext => {
  const http = context.switchToHttp();
  const request = http.getRequest<FastifyRequest>();
  const reply = http.getResponse<FastifyReply>();
  const idempotencyKey = header(request, 'idempotency-key');
  if (idempotencyKey !== undefined && !REQUEST_TOKEN.test(idempotencyKey)) {
    throw new RequestValidationFailed([{ field: 'Idempotency-Key', messages: ['Idempotency-Key must be 1–200 visible ASCII characters'] }]);
  }
  const correlationId = header(request, 'x-correlation-id');
  if (correlationId !== undefined && !REQUEST_TOKEN.test(correlationId)) {
    throw new RequestValidationFailed([{ field: 'X-Correlation-Id', messages: ['X-Correlation-Id must be 1–200 visible ASCII characters'] }]);
  }
  return {
    actor: request.actor as Actor,
    idempotencyKey,
    ifMatch: parseIfMatch(header(request, 'if-match')),
    correlationId,
    noteCommand: (type, commandId) => noteCommand(reply, type, commandId),
  };
});
