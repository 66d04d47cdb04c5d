import type { FastifyReply, FastifyRequest } from './ledger-request';
import { CommandAnswer } from './command-answer';

export const toETag = (revision: bigint): string => `"${revision}"`;

/**
 * Turns a command's answer into HTTP: `ETag` (the stream revision) and `Idempotent-Replayed`, and the body. A Fastify
 * `preSerialization` hook, which sees what a handler returned just before it is serialized, rather than a Nest
 * interceptor: an interceptor wraps every command in rxjs and binds two async resources (each minting deprecation
 * wrappers), about a tenth of the server's time for a command in a profile. Every other answer passes through as it is.
 */
export const sendCommandAnswer = (_request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void): void => {
  if (!(payload instanceof CommandAnswer)) {
    done(null, payload);
    return;
  }
  if (payload.revision !== null) void reply.header('ETag', toETag(payload.revision));
  if (payload.replayed) void reply.header('Idempotent-Replayed', 'true');
  done(null, payload.body);
};
