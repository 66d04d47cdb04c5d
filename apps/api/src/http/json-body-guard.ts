import { isUtf8 } from 'node:buffer';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';

/** Deeper than any request of this API (two levels at most); far below what the validators' recursion can take. */
export const MAX_BODY_DEPTH = 32;

/** A body the API will not read: its `status` becomes the answer's, its `type` names the problem (problem-details.filter). */
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

/**
 * The API's one body parser (application/json): the raw bytes are checked before they are decoded and parsed, since
 * decoding would silently turn invalid bytes into U+FFFD and the ledger would record text nobody sent. `__proto__`
 * keys stay own keys (JSON.parse), for the validation pipe to refuse like any unknown field.
 */
export const parseJsonBody = (_request: unknown, body: Buffer, done: (error: Error | null, body?: unknown) => void): void => {
  if (!isUtf8(body)) return done(new BodyRefused(400, 'entity.not.utf8', 'The body is not valid UTF-8'));
  if (nestsDeeperThan(body, MAX_BODY_DEPTH)) {
    return done(new BodyRefused(400, 'entity.too.deep', `The body nests objects or arrays deeper than ${MAX_BODY_DEPTH} levels`));
  }
  // An empty body declared JSON is no body, as body-parser had it: a command whose fields are all optional runs.
  if (body.length === 0) return done(null, {});
  // A request body is an object (or an array): a bare string or number is refused as body-parser's strict mode did.
  if (!startsAnObjectOrArray(body)) return done(new BodyRefused(400, 'entity.parse.failed', 'The body is not a JSON object'));
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return done(new BodyRefused(400, 'entity.parse.failed', 'The body is not valid JSON'));
  }
  done(null, parsed);
};

const [SPACE, TAB, LF, CR] = [0x20, 0x09, 0x0a, 0x0d];

const startsAnObjectOrArray = (json: Uint8Array): boolean => {
  for (const byte of json) {
    if (byte !== SPACE && byte !== TAB && byte !== LF && byte !== CR) return byte === OPEN_BRACE || byte === OPEN_BRACKET;
  }
  return false;
};

const INFLATERS: Readonly<Record<string, (() => Transform) | null>> = {
  identity: null, gzip: createGunzip, 'x-gzip': createGunzip, deflate: createInflate,
};

/**
 * The body as sent, or inflated when it says so (gzip, deflate): Fastify's `preParsing` step. The body limit holds for
 * the inflated bytes (Fastify counts what this stream gives); `receivedEncodedLength` lets Fastify compare what was
 * received with Content-Length. A body that does not inflate fails the stream: 400 `malformed-body`.
 */
export const inflateBody = (headers: IncomingHttpHeaders, payload: Readable): Readable => {
  const encoding = (headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const inflater = INFLATERS[encoding];
  if (!inflater) return payload;
  const inflated = inflater() as Transform & { receivedEncodedLength: number };
  inflated.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => {
    inflated.receivedEncodedLength += chunk.length;
  });
  payload.on('error', (error) => inflated.destroy(error));
  // Fastify listens for its failure when it reads the body; when nothing does (no route, a refused request) the
  // failure concerns nobody, and an 'error' event without a listener would bring the process down.
  inflated.on('error', () => undefined);
  return payload.pipe(inflated);
};

/**
 * Refuses, from its headers alone, a body the API would not read: another content type (a body the JSON parser
 * skips would otherwise reach the handler as no body at all, and a command whose fields are all optional would be
 * recorded from it), another charset, or an encoding it cannot inflate. Null for a request it may read.
 */
export const refusedBody = (headers: IncomingHttpHeaders): BodyRefused | null => {
  const hasBody = headers['transfer-encoding'] !== undefined
    || (headers['content-length'] !== undefined && headers['content-length'] !== '0');
  if (!hasBody) return null;
  if (!isJson(headers['content-type'])) return new BodyRefused(415, 'content-type.unsupported', 'Send the body as application/json');
  if (!declaresUtf8OrNothing(headers['content-type'])) return new BodyRefused(415, 'charset.unsupported', 'Send the body as UTF-8 JSON');
  const encoding = (headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (!(encoding in INFLATERS)) return new BodyRefused(415, 'encoding.unsupported', `Content-Encoding ${encoding} is not supported`);
  return null;
};

/** `application/json`, any parameters (`type-is` accepted `+json` suffixes too: none is meant for this API). */
const isJson = (contentType: string | undefined): boolean => /^\s*application\/json\s*(?:;|$)/i.test(contentType ?? '');

/**
 * JSON between systems is UTF-8 (RFC 8259 §8.1). A body declared in another charset (UTF-16, UTF-32) is refused here
 * rather than decoded as asked.
 */
const declaresUtf8OrNothing = (contentType: string | undefined): boolean => {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType ?? '')?.[1];
  return charset === undefined || /^utf-?8$/i.test(charset);
};
