import fc from 'fast-check';

/** The part of an OpenAPI 3 document the fuzzer reads. */
export type OpenApiSchema = {
  readonly $ref?: string;
  readonly type?: string;
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly example?: unknown;
  readonly properties?: Readonly<Record<string, OpenApiSchema>>;
  readonly required?: readonly string[];
  readonly items?: OpenApiSchema;
};
type OpenApiParameter = { readonly name: string; readonly in: string; readonly schema?: OpenApiSchema };
type OpenApiOperation = {
  readonly parameters?: readonly OpenApiParameter[];
  readonly requestBody?: { readonly content?: Readonly<Record<string, { readonly schema?: OpenApiSchema }>> };
};
export type OpenApiDocument = {
  readonly paths: Readonly<Record<string, Readonly<Record<string, OpenApiOperation>>>>;
  readonly components?: { readonly schemas?: Readonly<Record<string, OpenApiSchema>> };
};

/** What the seeded ledger holds, so that well-formed requests meet real parties, keys and assets. */
export type FuzzWorld = {
  /** API keys by party, of different roles (admin, manufacturer, carrier, operator, customs, investigator, ...). */
  readonly keys: Readonly<Record<string, string>>;
  readonly assetIds: readonly string[];
  readonly facilityIds: readonly string[];
  readonly partyIds: readonly string[];
  /** Keys that are not used to authenticate, so revoking them leaves the fuzzer its parties. */
  readonly spareKeyIds: readonly string[];
};

/** One request, as exact bytes will say it: header values and target are latin1 strings (any byte may appear). */
export type HostileRequest = {
  readonly route: string;
  readonly method: string;
  readonly target: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer | null;
  readonly chunked: boolean;
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'] as const;

/** Ids that are valid in form but name JavaScript's own properties, and ids that are not valid at all. */
const ODD_IDS = [
  'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '__proto__', '__defineGetter__', 'then',
  'a'.repeat(128), 'a'.repeat(129), '0', '-leading-dash', '.', '..', 'a b', 'a/b', 'a\u0000b', 'gpu-\u202e1', 'ümlaut',
  '😀', 'null', 'undefined', 'NaN', '1e999', '%', '%00', '%ZZ', 'a%2Fb', '..%2F..%2Fetc', '\ud800',
];

/** Every way the ledger's single timestamp form can be missed, and the form itself. */
const ODD_DATES = [
  '2026-W48-1', '2026-333', '2026-11-20', '2026-11-20T08:00:00', '2026-11-20t08:00:00z', '2026-11-20 08:00:00Z',
  '2016-12-31T23:59:60Z', '2026-02-29T00:00:00Z', '2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', '2026-11-20T24:00:00Z',
  '0000-01-01T00:00:00Z', '0000-01-01T00:00:00+01:00', '9999-12-31T23:59:59-05:00', '9999-12-31T23:59:59Z',
  '1970-01-01T00:00:00Z', '2026-11-20T08:00:00.123456789012Z', '2026-11-20T08:00:00+0100', '2026-11-20T08:00:00+24:00',
  '+002026-11-20T08:00:00Z', '-000001-01-01T00:00:00Z', 'now', 'yesterday', '', 'Fri, 20 Nov 2026 08:00:00 GMT',
  '1795161600000', '2099-01-01T00:00:00Z',
];

const ODD_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\ud83d', '\u202eevil', '\ufeff', '\u200b', 'e\u0301', '😀'.repeat(40),
  '\r\n', '\t', 'null', 'true', '{}', '[]', '<script>', "'; DROP TABLE assets; --", '${process.exit()}', '%s%n',
  'NaN', 'Infinity', '-Infinity', '1e999', '-0', '0x10', '1_000', '9'.repeat(30),
];

/** JSON texts for numbers and values JavaScript reads oddly; some are not JSON at all. */
const ODD_JSON_VALUES = [
  '1e999', '-1e999', '-0', '1e-400', '123456789012345678901234567890', '0.1', '-1', '0', '4294967296', 'true', 'false',
  'null', '{}', '[]', '[null]', '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"x":1}}}', 'NaN',
  'Infinity', '"\\ud800"', '"\\u0000"',
];

const json = (value: unknown): string => JSON.stringify(value);
const LONE_SURROGATE = /\p{Cs}/u;
const nested = (depth: number, open: string, close: string): string => open.repeat(depth) + '1' + close.repeat(depth);

const deepJsonValue: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 2, max: 40 }).map((depth) => nested(depth, '[', ']')),
  fc.integer({ min: 30, max: 20_000 }).map((depth) => nested(depth, '{"a":', '}')),
  fc.integer({ min: 30, max: 20_000 }).map((depth) => nested(depth, '[', ']')),
);

const hugeString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(129, 501, 4_000, 70_000).map((length) => 'x'.repeat(length)),
  fc.constantFrom(200, 20_000).map((length) => '😀'.repeat(length)),
);

/** Any JSON value of the wrong kind for the field, as text. */
const wrongJsonValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...ODD_JSON_VALUES),
  fc.constantFrom(...ODD_STRINGS).map(json),
  hugeString.map(json),
  fc.jsonValue({ maxDepth: 3 }).map(json),
  deepJsonValue,
);

const pastDate: fc.Arbitrary<string> = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2026-01-01T00:00:00Z'), noInvalidDate: true })
  .chain((date) => fc.constantFrom(date.toISOString(), date.toISOString().replace(/\.\d{3}Z$/, 'Z'), date.toISOString().replace('Z', '+00:00')));

const dateText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: pastDate },
  { weight: 2, arbitrary: fc.constantFrom(...ODD_DATES) },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()) },
);

const idText = (world: FuzzWorld, name: string, mode: Mode = 'hostile'): fc.Arbitrary<string> => {
  const lower = name.toLowerCase();
  const known = lower.startsWith('asset') || lower.startsWith('child') || lower.startsWith('container') ? world.assetIds
    : lower.includes('facility') ? world.facilityIds
    : lower.startsWith('key') ? world.spareKeyIds
    : lower.includes('party') || lower.includes('owner') || lower.includes('carrier') || lower.includes('operator')
      || lower.includes('custodian') ? world.partyIds
    : [...world.assetIds, ...world.facilityIds, ...world.partyIds];
  const fresh = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/);
  if (mode === 'plausible') return fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: fresh });
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...known) },
    { weight: 2, arbitrary: fresh },
    { weight: 2, arbitrary: fc.constantFrom(...ODD_IDS) },
  );
};

const resolve = (document: OpenApiDocument, schema: OpenApiSchema | undefined): OpenApiSchema => {
  if (!schema?.$ref) return schema ?? {};
  const name = schema.$ref.replace('#/components/schemas/', '');
  return document.components?.schemas?.[name] ?? {};
};

/** A plausible value for a field, as a JavaScript value: what a client that read the documentation would send. */
const plausibleValue = (document: OpenApiDocument, world: FuzzWorld, name: string, raw: OpenApiSchema | undefined, mode: Mode = 'hostile'): fc.Arbitrary<unknown> => {
  const schema = resolve(document, raw);
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  if (schema.format === 'date-time') return mode === 'plausible' ? pastDate : dateText;
  if (schema.type === 'array') {
    const items = resolve(document, schema.items);
    return fc.uniqueArray(plausibleValue(document, world, name, items, mode), { minLength: 1, maxLength: 4, comparator: 'SameValueZero' });
  }
  if (schema.type === 'boolean') return fc.boolean();
  if (schema.type === 'number' || schema.type === 'integer') return fc.oneof(fc.integer({ min: 1, max: 600 }), fc.constant(100));
  if (/Ids?$/.test(name)) return idText(world, name, mode);
  if (name === 'country') return fc.constantFrom('DE', 'US', 'TW', 'NL', 'FR', 'CN');
  if (name === 'model') return fc.constantFrom('nvidia-h100-sxm', 'nvidia-b200', 'amd-mi300x', 'baseboard', 'ghost-9000');
  if (name === 'position') return fc.oneof(fc.integer({ min: 0, max: 200 }).map(String), fc.constantFrom('99999999999999999999', '1-1'));
  if (schema.example !== undefined) return fc.oneof(fc.constant(schema.example), fc.string({ minLength: 1, maxLength: 20 }));
  return fc.string({ minLength: 1, maxLength: 20 });
};

/**
 * Plausible requests are what a client that read the documentation sends, from any of the seeded parties: they meet
 * the ledger's real state and rules. Hostile ones vary every part of the request at once.
 */
type Mode = 'plausible' | 'hostile';

/** A field's value as JSON text: plausible, or (when hostile) often of the wrong kind. */
const fieldJson = (document: OpenApiDocument, world: FuzzWorld, name: string, schema: OpenApiSchema | undefined, mode: Mode): fc.Arbitrary<string> =>
  mode === 'plausible' ? plausibleValue(document, world, name, schema, mode).map(json) : fc.oneof(
    { weight: 5, arbitrary: plausibleValue(document, world, name, schema).map(json) },
    { weight: 2, arbitrary: wrongJsonValue },
    { weight: 1, arbitrary: fc.constantFrom(...ODD_DATES, ...ODD_IDS).map(json) },
  );

const UNKNOWN_KEYS = ['__proto__', 'constructor', 'prototype', 'colour', '', 'assetId ', 'ASSETID', '\u0000', '$where'];

/** JSON text of an object whose keys are written out, so `__proto__` stays an own key as a hostile client sends it. */
const objectText = (entries: ReadonlyArray<readonly [string, string]>): string =>
  `{${entries.map(([key, value]) => `${json(key)}:${value}`).join(',')}}`;

const objectBody = (document: OpenApiDocument, world: FuzzWorld, schema: OpenApiSchema, mode: Mode): fc.Arbitrary<string> => {
  const properties = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  const fields = properties.map(([name, field]) =>
    fc.option(fieldJson(document, world, name, field, mode).map((value) => [name, value] as const), { freq: required.has(name) ? 12 : 2 }));
  const extras = fc.array(
    fc.tuple(fc.oneof(fc.constantFrom(...UNKNOWN_KEYS), fc.string({ maxLength: 8 })), wrongJsonValue),
    { maxLength: 2 },
  );
  const noExtras = fc.constant([]);
  return fc.tuple(fc.tuple(...fields), mode === 'plausible' ? noExtras : fc.oneof({ weight: 4, arbitrary: noExtras }, { weight: 1, arbitrary: extras }))
    .map(([chosen, extra]) => objectText([
      ...chosen.filter((entry): entry is readonly [string, string] => entry !== null),
      ...(extra as ReadonlyArray<readonly [string, string]>),
    ]));
};

/** Bodies no schema describes: not JSON, not UTF-8, too deep, too large, empty, or JSON of the wrong shape. */
const hostileBody: fc.Arbitrary<Buffer> = fc.oneof(
  deepJsonValue.map((text) => Buffer.from(text)),
  fc.constantFrom('', '{', '{"a":', 'null', '"text"', '42', '[]', '[{}]', '{}{}', '{"a":1,}', "{'a':1}", 'NaN', '\ufeff{}')
    .map((text) => Buffer.from(text)),
  fc.constantFrom(
    Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
    Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]),
    Buffer.alloc(70_000, 0x20),
    Buffer.from(`{"a":"${'x'.repeat(70_000)}"}`),
  ),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
);

const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=UTF-8', 'application/json; charset=latin1',
  'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/merge-patch+json',
  'application/json, text/plain', 'application/xml', '*/*', 'json', '', 'application/json; charset=utf-16',
];

const contentType: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  { weight: 3, arbitrary: fc.constantFrom<string | null>(...CONTENT_TYPES, null) },
);

const latin1 = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

const authorization = (world: FuzzWorld, mode: Mode): fc.Arbitrary<ReadonlyArray<readonly [string, string]>> => {
  const keys = Object.values(world.keys);
  if (mode === 'plausible') return fc.constantFrom(...keys).map((key) => [['Authorization', `Bearer ${key}`]] as const);
  return fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...keys).map((key) => [['Authorization', `Bearer ${key}`]] as const) },
    { weight: 1, arbitrary: fc.constantFrom(...keys).map((key) => [['X-API-Key', key]] as const) },
    {
      weight: 3,
      arbitrary: fc.oneof(
        fc.constant([] as const),
        fc.constantFrom('Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'bearer cl_x', 'Bearer cl_not-a-key', 'Bearer \u00ff\u00fe',
          'Token x', `Bearer ${'k'.repeat(8_000)}`, `Bearer ${'k'.repeat(20_000)}`, 'Bearer a b c')
          .map((value) => [['Authorization', value]] as const),
        fc.constantFrom(...keys).map((key) => [['Authorization', `Bearer ${key}`], ['Authorization', 'Bearer cl_other']] as const),
        fc.constantFrom(...keys).map((key) => [['Authorization', `Bearer ${key}x`]] as const),
      ),
    },
  );
};

/** Keys from a small pool, so the same key comes back with other commands, other routes and other parties. */
const idempotencyKey = fc.oneof(
  { weight: 6, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: fc.constantFrom('retry-1', 'retry-2', 'retry-3') },
  { weight: 2, arbitrary: fc.constantFrom('', ' ', 'k'.repeat(201), 'k'.repeat(10_000), 'key with spaces', latin1('clé'), '\u00ff', 'a,b') },
);

const ifMatch = fc.oneof(
  { weight: 6, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 6 }).map((revision) => `"${revision}"`) },
  { weight: 2, arbitrary: fc.constantFrom('*', 'W/"1"', '"-1"', '"99999999999999999999"', '"1", "2"', 'banana', '""', '"1', '1', '"0x1"', '"1e3"') },
);

const otherHeaders = fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(
  fc.constantFrom<readonly [string, string]>(
    ['Content-Encoding', 'gzip'], ['Content-Encoding', 'deflate'], ['Content-Encoding', 'br'], ['Content-Encoding', 'zstd-x'],
    ['Expect', '100-continue'], ['Expect', 'the-unexpected'], ['X-Correlation-Id', 'x'.repeat(5_000)],
    ['X-Correlation-Id', latin1('é\u0000')], ['Accept', 'text/html'], ['Accept', 'application/xml'], ['X-Padding', 'p'.repeat(17_000)],
    ['Content-Length', 'abc'], ['Host', ''], ['X-Forwarded-For', '::1, junk'],
  ),
  { minLength: 1, maxLength: 2 },
) });

const encodeQueryValue = (value: unknown): fc.Arbitrary<string> => {
  const text = typeof value === 'string' ? value : json(value);
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant(LONE_SURROGATE.test(text) ? `${encodeURIComponent(text.replace(/\p{Cs}/gu, ''))}%ED%A0%80` : encodeURIComponent(text)) },
    { weight: 1, arbitrary: fc.constant(latin1(text.replace(/[\s#?&]/g, ''))) },
  );
};

const queryString = (document: OpenApiDocument, world: FuzzWorld, parameters: readonly OpenApiParameter[], mode: Mode): fc.Arbitrary<string> => {
  const pair = (name: string, value: fc.Arbitrary<unknown>) =>
    value.chain((chosen) => encodeQueryValue(chosen)).map((encoded) => `${encodeURIComponent(name)}=${encoded}`);
  if (mode === 'plausible') {
    const plausible = parameters.filter((parameter) => parameter.in === 'query' && parameter.name !== 'position').map((parameter) =>
      fc.option(pair(parameter.name, plausibleValue(document, world, parameter.name, parameter.schema, mode)).map((text) => text.replace(/%22/g, '')), { freq: 4 }));
    return fc.tuple(...plausible).map((pairs) => {
      const all = pairs.filter((part): part is string => part !== null);
      return all.length === 0 ? '' : `?${all.join('&')}`;
    });
  }
  const declared = parameters.filter((parameter) => parameter.in === 'query').map((parameter) =>
    fc.option(
      fc.oneof(
        { weight: 5, arbitrary: pair(parameter.name, plausibleValue(document, world, parameter.name, parameter.schema)) },
        { weight: 2, arbitrary: pair(parameter.name, fc.constantFrom(...ODD_STRINGS, ...ODD_DATES, 'garbage', 'YTE6', 'YTE6Z3B1LTE')) },
        { weight: 1, arbitrary: pair(parameter.name, hugeString) },
        {
          weight: 1,
          arbitrary: fc.tuple(pair(parameter.name, plausibleValue(document, world, parameter.name, parameter.schema)),
            pair(parameter.name, plausibleValue(document, world, parameter.name, parameter.schema))).map(([a, b]) => `${a}&${b}`),
        },
        { weight: 1, arbitrary: fc.constantFrom(`${parameter.name}`, `${parameter.name}=`, `${parameter.name}[]=1`, `${parameter.name}[a]=1`) },
      ),
      { freq: 2 },
    ));
  const extra = fc.option(
    fc.constantFrom('__proto__=x', '__proto__[x]=1', 'constructor=x', 'constructor[prototype][x]=1', 'colour=green', '=x', '&&', '%=%', 'a=%ZZ', 'a=%00'),
    { freq: 6 },
  );
  return fc.tuple(fc.tuple(...declared), extra).map(([pairs, more]) => {
    const all = [...pairs, more].filter((part): part is string => part !== null);
    return all.length === 0 ? '' : `?${all.join('&')}`;
  });
};

const pathFor = (document: OpenApiDocument, world: FuzzWorld, template: string, parameters: readonly OpenApiParameter[], mode: Mode): fc.Arbitrary<string> => {
  const names = [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
  if (names.length === 0) return fc.constant(template);
  const values = names.map((name) => {
    if (mode === 'plausible') return idText(world, name, mode).filter((id) => /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(id));
    const declared = parameters.find((parameter) => parameter.in === 'path' && parameter.name === name);
    const value = fc.oneof({ weight: 8, arbitrary: idText(world, name) }, { weight: 1, arbitrary: plausibleValue(document, world, name, declared?.schema) });
    return value.chain((chosen) => fc.oneof(
      { weight: 6, arbitrary: fc.constant(LONE_SURROGATE.test(String(chosen)) ? 'x%ED%A0%80' : encodeURIComponent(String(chosen))) },
      { weight: 1, arbitrary: fc.constant(latin1(String(chosen))) },
    ));
  });
  return fc.tuple(...values).map((chosen) => names.reduce((path, name, index) => path.replace(`{${name}}`, chosen[index]), template));
};

const routeRequests = (document: OpenApiDocument, world: FuzzWorld, path: string, method: string, operation: OpenApiOperation, mode: Mode): fc.Arbitrary<HostileRequest> => {
  const parameters = operation.parameters ?? [];
  const schema = resolve(document, operation.requestBody?.content?.['application/json']?.schema);
  const plausible = mode === 'plausible';
  const documentedBody = objectBody(document, world, schema, mode).map((text) => Buffer.from(text));
  const body: fc.Arbitrary<Buffer | null> = operation.requestBody
    ? (plausible ? documentedBody : fc.oneof({ weight: 8, arbitrary: documentedBody }, { weight: 2, arbitrary: hostileBody }))
    : (plausible ? fc.constant(null) : fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: objectBody(document, world, {}, mode).map((text) => Buffer.from(text)) }, { weight: 1, arbitrary: hostileBody }));
  const verb = plausible ? fc.constant(method) : fc.oneof({ weight: 12, arbitrary: fc.constant(method) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) });
  return fc.record({
    verb, target: fc.tuple(pathFor(document, world, path, parameters, mode), queryString(document, world, parameters, mode)),
    auth: authorization(world, mode),
    idempotencyKey: plausible ? fc.option(fc.uuid(), { freq: 3 }) : idempotencyKey,
    ifMatch: plausible ? fc.constant(null) : ifMatch,
    contentType: plausible ? fc.constant('application/json') : contentType,
    otherHeaders: plausible ? fc.constant([]) : otherHeaders,
    body,
    chunked: plausible ? fc.constant(false) : fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
  }).map(({ verb: chosen, target, auth, idempotencyKey: key, ifMatch: etag, contentType: type, otherHeaders: more, body: payload, chunked }) => ({
    route: `${method.toUpperCase()} ${path}`,
    method: chosen.toUpperCase(),
    target: target.join(''),
    headers: [
      ...auth,
      ...(key === null ? [] : [['Idempotency-Key', key] as const]),
      ...(etag === null ? [] : [['If-Match', etag] as const]),
      ...(payload !== null && type !== null ? [['Content-Type', type] as const] : []),
      ...more,
    ],
    body: payload,
    chunked,
  }));
};

/** Hostile requests for every operation of the document: new routes are covered as soon as they are documented. */
export const hostileRequests = (document: OpenApiDocument, world: FuzzWorld): fc.Arbitrary<HostileRequest> => {
  const operations = Object.entries(document.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod)
      .filter(([method]) => (METHODS as readonly string[]).includes(method))
      .map(([method, operation]) => ({ path, method, operation })));
  if (operations.length === 0) throw new Error('the OpenAPI document lists no operations');
  const routes = (mode: Mode) => fc.oneof(...operations.map(({ path, method, operation }) => routeRequests(document, world, path, method, operation, mode)));
  return fc.oneof({ weight: 2, arbitrary: routes('plausible') }, { weight: 3, arbitrary: routes('hostile') });
};

/** The routes the document lists, as `METHOD /path`, for the summary. */
export const documentedRoutes = (document: OpenApiDocument): string[] =>
  Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations).filter((method) => (METHODS as readonly string[]).includes(method)).map((method) => `${method.toUpperCase()} ${path}`));

/** The request as bytes on the wire; every request asks the server to close the connection after answering. */
export const toBytes = (request: HostileRequest): Buffer => {
  const head = [`${request.method} ${request.target} HTTP/1.1`, 'Host: localhost', ...request.headers.map(([name, value]) => `${name}: ${value}`)];
  const explicitLength = request.headers.some(([name]) => name.toLowerCase() === 'content-length' || name.toLowerCase() === 'transfer-encoding');
  if (request.body !== null && !explicitLength) head.push(request.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${request.body.length}`);
  head.push('Connection: close', '', '');
  const body = request.body === null || explicitLength ? Buffer.alloc(0)
    : request.chunked ? Buffer.concat([Buffer.from(`${request.body.length.toString(16)}\r\n`), request.body, Buffer.from('\r\n0\r\n\r\n')])
    : request.body;
  return Buffer.concat([Buffer.from(head.join('\r\n'), 'latin1'), body]);
};

/** A short, printable account of a request, for reports. */
export const describeRequest = (request: HostileRequest): string => {
  const body = request.body === null ? '' : ` body(${request.body.length} B)=${request.body.subarray(0, 300).toString('utf8')}`;
  const headers = request.headers.map(([name, value]) => `${name}: ${value.length > 80 ? `${value.slice(0, 80)}…(${value.length})` : value}`);
  return `${request.method} ${request.target.slice(0, 300)} [${headers.join(' | ')}]${request.chunked ? ' chunked' : ''}${body}`;
};
