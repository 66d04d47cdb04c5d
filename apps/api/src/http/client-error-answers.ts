import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { REQUEST_ID_HEADER, requestIdFor } from '../observability/request-id';
import { PROBLEM_TYPE_BASE } from './problem-details.filter';

type Answer = { readonly status: number; readonly title: string; readonly code: string; readonly detail: string };

const answerTo = (error: NodeJS.ErrnoException): Answer => {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, title: 'Request Header Fields Too Large', code: 'headers-too-large', detail: 'The request line and headers together must stay under 16 KB' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, title: 'Request Timeout', code: 'request-timeout', detail: 'The request did not arrive in time' };
    default:
      return { status: 400, title: 'Bad Request', code: 'malformed-http', detail: 'The request is not valid HTTP/1.1' };
  }
};

const problemJson = ({ status, title, code, detail }: Answer): string =>
  JSON.stringify({ type: `${PROBLEM_TYPE_BASE}${code}`, title, status, detail, code });

/**
 * Node's HTTP parser refuses some requests itself, before Fastify or Nest see them (headers over its limit, bytes that
 * are not HTTP, a request that does not arrive in time), and answers them with a bare status. This gives them the
 * same problem+json every other error gets (Fastify's `clientErrorHandler`, which replaces its own).
 */
export const answerClientError = (error: NodeJS.ErrnoException, socket: Duplex): void => {
  // As Node does by default: answer only when no response of this connection has started, or it would be corrupted.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const answer = answerTo(error);
  const body = problemJson(answer);
  socket.end([
    `HTTP/1.1 ${answer.status} ${answer.title}`,
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    // The request could not be read, so no id it may have offered is known: a new one, as for every answer.
    `${REQUEST_ID_HEADER}: ${randomUUID()}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n'));
};

/** Node answers an Expect header other than 100-continue itself, with a bare 417; this answers it as a problem. */
export const answerUnmetExpectationsAsProblems = (server: Server): void => {
  server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    response.setHeader(REQUEST_ID_HEADER, requestIdFor(request));
    const body = problemJson({ status: 417, title: 'Expectation Failed', code: 'expectation-failed', detail: 'Only "Expect: 100-continue" is supported' });
    response.writeHead(417, { 'Content-Type': 'application/problem+json', 'Content-Length': Buffer.byteLength(body), Connection: 'close' }).end(body);
  });
};
