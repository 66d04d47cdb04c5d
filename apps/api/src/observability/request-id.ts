import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** What a proxy or client may reasonably send as a request id; anything else is replaced, never logged. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The caller's X-Request-Id when it is sane, else a new UUID (Fastify's `genReqId`); every answer echoes it. */
export const requestIdFor = (request: IncomingMessage): string => {
  const offered = request.headers['x-request-id'];
  return typeof offered === 'string' && SANE_REQUEST_ID.test(offered) ? offered : randomUUID();
};
