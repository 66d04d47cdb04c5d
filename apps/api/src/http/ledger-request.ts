import type { Actor } from '@chip-ledger/domain';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sent the request, once the API key guard has found its key. */
    actor?: Actor;
  }
}

export type { FastifyReply, FastifyRequest } from 'fastify';
