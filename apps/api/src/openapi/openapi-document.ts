import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { OpenAPIObject, OperationObject, ParameterObject } from '@nestjs/swagger';
import { ID_PATTERN } from '@chip-ledger/domain';
import { ID_FORMAT_MESSAGE } from '../http/ids';
import { API_KEY_HEADER_SCHEME, BEARER_SCHEME } from './api-operations.decorator';

/** The version of the HTTP contract (this document), not of the server build. */
export const API_VERSION = '0.2.0';

/** One tag per area; every operation carries exactly one of them. */
export const API_TAGS = {
  assets: 'Chips and the units that hold them: custody commands, where each is, its history, and the accelerator catalogue',
  parties: 'Who takes part (manufacturers, carriers, operators, customs, investigators, admins) and their API keys',
  facilities: 'Fabs, assembly plants, warehouses, datacenters, ports and recyclers, and what is at each',
  health: 'Whether the service, its store and its read models are up',
} as const;
export type ApiTag = keyof typeof API_TAGS;

const DESCRIPTION = `
Custody ledger for AI accelerators: where every chip is, who owns it, who holds it, how it got there, and what the
ledger knew at any moment.

**Authentication.** Every route except \`/health\`, \`/catalogue\` and \`/metrics\` needs an API key: an opaque secret \`cl_...\`
issued by an admin (\`POST /parties/{partyId}/api-keys\`), sent as \`Authorization: Bearer cl_...\` or
\`X-API-Key: cl_...\`.

**Writes.** Each command answers 201 with its \`position\`: pass it to a query as \`?position=\` to read your own write.
\`Idempotency-Key\` makes a retry safe (same key: one write, the same answer, \`Idempotent-Replayed: true\`).
\`If-Match\` with the \`ETag\` a write returned refuses with 412 if the stream changed since.

**Errors** are RFC 9457 \`application/problem+json\` (schema \`ProblemDetails\`) with a stable \`code\`; each route lists
the statuses it can answer. A 503 or 507 means nothing was written: retry after \`Retry-After\`, with the same
\`Idempotency-Key\`.

**Tracing.** Every answer carries \`X-Request-Id\`: the caller's own when it sent a sane one (up to 128 letters, digits
and \`._:@/+=-\`), else a new UUID. The server's log line for the request carries the same id.
`.trim();

/** Every path parameter of this API is an id that ParseIdPipe checks: say what it accepts, where Nest says only "string". */
const describePathIds = (document: OpenAPIObject): OpenAPIObject => {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as OperationObject[]) {
      for (const parameter of (operation.parameters ?? []) as ParameterObject[]) {
        if (parameter.in !== 'path') continue;
        parameter.description ??= `An id: ${ID_FORMAT_MESSAGE}`;
        parameter.schema = { type: 'string', pattern: ID_PATTERN.source };
      }
    }
  }
  return document;
};

export const buildOpenApiDocument = (app: INestApplication): OpenAPIObject => {
  let builder = new DocumentBuilder()
    .setTitle('chip-ledger')
    .setDescription(DESCRIPTION)
    .setVersion(API_VERSION)
    .addBearerAuth({
      type: 'http', scheme: 'bearer', bearerFormat: 'opaque API key (cl_...)',
      description: 'An opaque API key `cl_...` (not a JWT): `Authorization: Bearer cl_...`',
    }, BEARER_SCHEME)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'The same API key, in its own header' }, API_KEY_HEADER_SCHEME);
  for (const [name, description] of Object.entries(API_TAGS)) builder = builder.addTag(name, description);
  return describePathIds(SwaggerModule.createDocument(app, builder.build()));
};
