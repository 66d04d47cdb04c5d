import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

/** Deeper than any request of this API (two levels at most); far below what the validators' recursion can take. */
export const MAX_BODY_DEPTH = 32;

/** An error body-parser passes on as it is: its `status` becomes the answer's, its `type` the problem's code. */
export class BodyRefused extends Error {
  constructor(readonly status: number, readonly type: string, message: string) {
    super(message);
  }
}

const [QUOTE, BACKSLASH, OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET] = [0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d];

/**
 * True when the JSON text nests objects and arrays deeper than `limit`. One pass over the bytes, no recursion: it
 * runs before the parser, so a body of 10,000 `[` never reaches code that recurses once per level. Brackets inside
 * strings do not count; the bytes of multi-byte UTF-8 characters never equal an ASCII quote or bracket.
 */
export const nestsDeeperThan = (json: Uint8Array, limit: number): boolean => {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const byte = json[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
};

/** body-parser's `verify` hook: it sees the raw bytes before they are decoded and parsed. */
export const verifyJsonBody = (_request: IncomingMessage, _response: unknown, body: Buffer): void => {
  // Decoding would silently turn invalid bytes into U+FFFD, and the ledger would record text nobody sent.
  if (!isUtf8(body)) throw new BodyRefused(400, 'entity.not.utf8', 'The body is not valid UTF-8');
  if (nestsDeeperThan(body, MAX_BODY_DEPTH)) {
    throw new BodyRefused(400, 'entity.too.deep', `The body nests objects or arrays deeper than ${MAX_BODY_DEPTH} levels`);
  }
};

/**
 * A body the JSON parser skips (another content type) would otherwise reach the handler as no body at all, and a
 * command whose fields are all optional would be recorded from it.
 */
export const requireJsonBodies = (request: Request, _response: Response, next: NextFunction): void => {
  const hasBody = request.headers['transfer-encoding'] !== undefined
    || (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0');
  if (hasBody && !request.is('application/json')) {
    next(new BodyRefused(415, 'content-type.unsupported', 'Send the body as application/json'));
    return;
  }
  if (hasBody && !declaresUtf8OrNothing(request.headers['content-type'])) {
    next(new BodyRefused(415, 'charset.unsupported', 'Send the body as UTF-8 JSON'));
    return;
  }
  next();
};

/**
 * JSON between systems is UTF-8 (RFC 8259 §8.1). body-parser would decode any charset its iconv knows (UTF-16, UTF-32)
 * as asked, so a body declared in another one is refused here rather than read.
 */
const declaresUtf8OrNothing = (contentType: string | undefined): boolean => {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType ?? '')?.[1];
  return charset === undefined || /^utf-?8$/i.test(charset);
};
