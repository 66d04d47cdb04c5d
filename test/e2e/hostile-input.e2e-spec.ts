import { EVENT_STORE } from '@chip-ledger/event-store';
import type { EventStore } from '@chip-ledger/event-store';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { sendRaw } from '../fuzz/raw-http';
import { describeOnEachStore } from '../support/ledger-stores';
import type { TestLedger } from '../support/ledger-test-app';

type Hostile = {
  readonly name: string;
  readonly method?: 'get' | 'post';
  readonly path: string;
  readonly body?: object | string | Buffer;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly code: string;
};

/** A body serialiser that leaves bytes as they are (superagent's type says a string; a Buffer is written as it is). */
const asIs = (bytes: Buffer): string => bytes as unknown as string;

const chip = { kind: 'chip', model: 'nvidia-h100-sxm', facilityId: 'fab' };
const nested = (depth: number, open: string, close: string, leaf = '1') => open.repeat(depth) + leaf + close.repeat(depth);

/** Inputs that once answered 500 (or a bare non-problem 4xx): each now gets its documented problem+json. */
const HOSTILE: readonly Hostile[] = [
  { name: 'a cursor no page handed out', method: 'get', path: '/assets?cursor=garbage', status: 400, code: 'invalid-cursor' },
  { name: 'a cursor of another encoding', method: 'get', path: '/assets?cursor=%E2%80%AE%00', status: 400, code: 'invalid-cursor' },
  { name: 'an ISO week date as occurredAt', path: '/assets', body: { ...chip, assetId: 'w1', occurredAt: '2026-W48-1' }, status: 400, code: 'validation-failed' },
  { name: 'an ISO ordinal date as occurredAt', path: '/assets', body: { ...chip, assetId: 'w2', occurredAt: '2026-333' }, status: 400, code: 'validation-failed' },
  { name: 'a date without a time as occurredAt', path: '/assets', body: { ...chip, assetId: 'w3', occurredAt: '2026-11-20' }, status: 400, code: 'validation-failed' },
  { name: 'a local time without an offset as occurredAt', path: '/assets', body: { ...chip, assetId: 'w4', occurredAt: '2026-11-20T08:00:00' }, status: 400, code: 'validation-failed' },
  { name: 'the 30th of February as occurredAt', path: '/assets', body: { ...chip, assetId: 'w5', occurredAt: '2026-02-30T08:00:00Z' }, status: 400, code: 'validation-failed' },
  { name: 'the 29th of February of a common year as occurredAt', path: '/assets', body: { ...chip, assetId: 'w6', occurredAt: '2026-02-29T08:00:00Z' }, status: 400, code: 'validation-failed' },
  { name: 'a leap second as occurredAt', path: '/assets', body: { ...chip, assetId: 'w7', occurredAt: '2016-12-31T23:59:60Z' }, status: 400, code: 'validation-failed' },
  { name: 'a lower-case separator as occurredAt', path: '/assets', body: { ...chip, assetId: 'w8', occurredAt: '2026-11-20t08:00:00z' }, status: 400, code: 'validation-failed' },
  { name: 'an offset without a colon as occurredAt', path: '/assets', body: { ...chip, assetId: 'w9', occurredAt: '2026-11-20T08:00:00+0100' }, status: 400, code: 'validation-failed' },
  { name: 'a number as occurredAt', path: '/assets', body: { ...chip, assetId: 'w10', occurredAt: 1795161600000 }, status: 400, code: 'validation-failed' },
  { name: 'an ISO week date as asOf', method: 'get', path: '/assets/gpu-a/history?asOf=2026-W48-1', status: 400, code: 'validation-failed' },
  { name: 'an ISO ordinal date as knownAt', method: 'get', path: '/assets/gpu-a/history?knownAt=2026-333', status: 400, code: 'validation-failed' },
  { name: 'a local time as asOf', method: 'get', path: '/assets/gpu-a/history?asOf=2026-11-20T08:00:00', status: 400, code: 'validation-failed' },
  { name: 'a knownAt past the year 9999 in UTC', method: 'get', path: '/assets/gpu-a/history?knownAt=9999-12-31T23:59:59-05:00', status: 400, code: 'validation-failed' },
  { name: 'asOf given twice', method: 'get', path: '/assets/gpu-a/history?asOf=2026-11-20T08:00:00Z&asOf=2026-11-21T08:00:00Z', status: 400, code: 'validation-failed' },
  { name: 'a cursor given twice', method: 'get', path: '/assets?cursor=a&cursor=b', status: 400, code: 'validation-failed' },
  { name: 'a limit given twice', method: 'get', path: '/assets?limit=1&limit=2', status: 400, code: 'validation-failed' },
  { name: 'a limit of Infinity', method: 'get', path: '/assets?limit=Infinity', status: 400, code: 'validation-failed' },
  { name: 'a negative limit', method: 'get', path: '/assets?limit=-5', status: 400, code: 'validation-failed' },
  { name: 'a huge limit', method: 'get', path: '/assets?limit=1e308', status: 400, code: 'validation-failed' },
  { name: 'a limit in hexadecimal', method: 'get', path: '/assets?limit=0x10', status: 400, code: 'validation-failed' },
  { name: 'a limit in exponent notation', method: 'get', path: '/assets?limit=1e1', status: 400, code: 'validation-failed' },
  { name: 'a limit with a space', method: 'get', path: '/assets?limit=%205', status: 400, code: 'validation-failed' },
  { name: 'a serial number with a control character', method: 'get', path: '/assets?serialNumber=SN%01', status: 400, code: 'validation-failed' },
  { name: 'a position that is not a number', method: 'get', path: '/facilities/fab?position=NaN', status: 400, code: 'validation-failed' },
  { name: 'a position given twice', method: 'get', path: '/facilities/fab?position=1&position=2', status: 400, code: 'validation-failed' },
  { name: 'a position the ledger never reached', method: 'get', path: '/assets/gpu-a?position=99999999999999999999', status: 400, code: 'validation-failed' },
  { name: 'a party read at a position the ledger never reached', method: 'get', path: '/parties/maker?position=123456789', status: 400, code: 'validation-failed' },
  { name: 'a __proto__ query parameter', method: 'get', path: '/assets?__proto__=x', status: 400, code: 'validation-failed' },
  { name: '10,000 nested objects', path: '/assets', body: nested(10_000, '{"a":', '}'), headers: { 'Content-Type': 'application/json' }, status: 400, code: 'body-too-deep' },
  { name: '10,000 nested arrays', path: '/assets', body: nested(10_000, '[', ']'), headers: { 'Content-Type': 'application/json' }, status: 400, code: 'body-too-deep' },
  { name: 'a field nested 100 deep', path: '/assets', body: `{"assetId":${nested(100, '[', ']', '"x"')}}`, headers: { 'Content-Type': 'application/json' }, status: 400, code: 'body-too-deep' },
  { name: 'a __proto__ key in the body', path: '/assets', body: `{"assetId":"p1","kind":"chip","model":"nvidia-h100-sxm","facilityId":"fab","__proto__":{"assetId":"p2"}}`, headers: { 'Content-Type': 'application/json' }, status: 400, code: 'validation-failed' },
  { name: 'a constructor key beside an invalid field', path: '/assets', body: { ...chip, assetId: 'bad id!', constructor: {} }, status: 400, code: 'validation-failed' },
  { name: 'a constructor key in the body', path: '/assets', body: { ...chip, assetId: 'p3', constructor: { name: 'x' } }, status: 400, code: 'validation-failed' },
  { name: 'a body that is an array', path: '/assets', body: '[{"assetId":"p4"}]', headers: { 'Content-Type': 'application/json' }, status: 400, code: 'validation-failed' },
  { name: 'a body that is a string', path: '/assets', body: '"p5"', headers: { 'Content-Type': 'application/json' }, status: 400, code: 'malformed-json' },
  { name: 'a number too large for a double', path: '/assets', body: `{"assetId":1e999,"kind":"chip","model":"nvidia-h100-sxm","facilityId":"fab"}`, headers: { 'Content-Type': 'application/json' }, status: 400, code: 'validation-failed' },
  { name: 'shipping to a facility called constructor', path: '/assets/gpu-a/shipments', body: { toFacilityId: 'constructor', carrierId: 'toString' }, status: 422, code: 'invalid-reference' },
  { name: 'a lone surrogate in a text', path: '/assets/gpu-a/missing-reports', body: '{"circumstances":"lost \\ud800 here"}', headers: { 'Content-Type': 'application/json' }, status: 400, code: 'validation-failed' },
  { name: 'a NUL in a text', path: '/assets/gpu-a/missing-reports', body: { circumstances: 'lost\u0000here' }, status: 400, code: 'validation-failed' },
  { name: 'an If-Match beyond any revision', path: '/assets/gpu-a/missing-reports', body: { circumstances: 'lost' }, headers: { 'If-Match': '"99999999999999999999"' }, status: 412, code: 'stale-revision' },
  { name: 'a correlation id of 5,000 characters', path: '/assets/gpu-a/missing-reports', body: { circumstances: 'lost' }, headers: { 'X-Correlation-Id': 'c'.repeat(5_000) }, status: 400, code: 'validation-failed' },
  { name: 'an asset called constructor', method: 'get', path: '/assets/constructor', status: 404, code: 'asset-not-found' },
  { name: 'a party called constructor', method: 'get', path: '/parties/constructor', status: 403, code: 'not-permitted' },
  { name: 'a facility called toString', method: 'get', path: '/facilities/toString', status: 404, code: 'not-registered' },
  { name: 'a JSON body declared with another charset', path: '/assets', body: '{}', headers: { 'Content-Type': 'application/json; charset=latin1' }, status: 415, code: 'unsupported-encoding' },
  {
    name: 'a command in UTF-16 JSON, declared so', path: '/assets', headers: { 'Content-Type': 'application/json; charset=utf-16le' },
    body: Buffer.from(JSON.stringify({ ...chip, assetId: 'u16' }), 'utf16le'), status: 415, code: 'unsupported-encoding',
  },
  { name: 'a gzip body that is not gzip', path: '/assets', body: '{}', headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, status: 400, code: 'malformed-body' },
  { name: 'a body that is not JSON, for a command whose fields are all optional', path: '/assets/gpu-a/uninstallations', body: 'occurredAt=yesterday', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, status: 415, code: 'unsupported-media-type' },
  { name: 'a body without a content type', path: '/assets/gpu-a/uninstallations', body: Buffer.from('{}'), status: 415, code: 'unsupported-media-type' },
  { name: 'headers over 16 KB', method: 'get', path: '/assets', headers: { 'X-Padding': 'x'.repeat(20_000) }, status: 431, code: 'headers-too-large' },
  {
    name: 'a gzip body that inflates beyond the body limit', path: '/assets', headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
    body: gzipSync(JSON.stringify({ ...chip, assetId: 'bomb', serialNumber: 'x'.repeat(200_000) })), status: 413, code: 'body-too-large',
  },
  { name: 'a path with a broken %-escape', method: 'get', path: '/assets/gpu%E0%A4%A', status: 400, code: 'malformed-request' },
  { name: 'an id of 129 characters in the path', method: 'get', path: `/assets/${'a'.repeat(129)}`, status: 400, code: 'validation-failed' },
  { name: 'a body in an unknown content encoding', path: '/assets', body: '{}', headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'zstd-x' }, status: 415, code: 'unsupported-encoding' },
];

/** What no HTTP client library will send: written as bytes. `KEY` stands for the API key. */
const RAW: ReadonlyArray<{ readonly name: string; readonly request: string; readonly status: number; readonly code: string }> = [
  { name: 'an expectation the server cannot meet', request: 'GET /assets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer KEY\r\nExpect: the-unexpected\r\nConnection: close\r\n\r\n', status: 417, code: 'expectation-failed' },
  { name: 'a request line that is not HTTP', request: 'HELLO THERE\r\n\r\n', status: 400, code: 'malformed-http' },
  { name: 'a chunk size that is not hexadecimal', request: 'POST /assets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n', status: 400, code: 'malformed-http' },
  { name: 'a control character in a header', request: 'GET /assets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \u0001KEY\r\nConnection: close\r\n\r\n', status: 400, code: 'malformed-http' },
  { name: 'both a length and chunks', request: 'POST /assets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n', status: 400, code: 'malformed-http' },
  { name: 'a body that is not UTF-8', request: 'POST /assets/gpu-a/missing-reports HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer KEY\r\nContent-Type: application/json\r\nContent-Length: 22\r\nConnection: close\r\n\r\n{"circumstances":"\xff\xfe"}', status: 400, code: 'invalid-utf8' },
  { name: 'bytes that are not UTF-8 in the path', request: 'GET /assets/\xff\xfe HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer KEY\r\nConnection: close\r\n\r\n', status: 400, code: 'malformed-http' },
];

describeOnEachStore('hostile input', (on) => {
  let ledger: TestLedger;
  let store: EventStore;
  let maker: string;

  beforeAll(async () => {
    ledger = await on.start();
    store = ledger.app.get<EventStore>(EVENT_STORE);
    maker = await ledger.registerParty('maker', ['manufacturer'], 'TW');
    await ledger.registerParty('carrier', ['carrier'], 'NL');
    await ledger.registerFacility('fab', 'maker', 'TW', 'assembly');
    await ledger.post('/assets', maker, { ...chip, assetId: 'gpu-a' }).expect(201);
  });

  afterAll(() => ledger.close());

  it.each(RAW.map((c) => [c.name, c] as const))('%s (raw)', async (_, c) => {
    const server = ledger.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const before = await store.headPosition();
    const response = await sendRaw((server.address() as AddressInfo).port, Buffer.from(c.request.replace('KEY', maker), 'latin1'));
    expect({ status: response.status, code: JSON.parse(response.body).code }).toEqual({ status: c.status, code: c.code });
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['x-request-id']).toMatch(/^[\w-]{36}$/);
    expect(await store.headPosition()).toEqual(before);
  });

  it.each(HOSTILE.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const before = await store.headPosition();
    let call = ledger.http()[c.method ?? 'post'](c.path).set('Authorization', `Bearer ${maker}`);
    for (const [name, value] of Object.entries(c.headers ?? {})) call = call.set(name, value);
    // Bytes go as they are (superagent would write a Buffer out as JSON under a JSON content type).
    if (Buffer.isBuffer(c.body)) call = call.serialize(asIs);
    const response = await (c.body === undefined ? call : call.send(c.body as object));
    expect({ status: response.status, code: response.body.code }).toEqual({ status: c.status, code: c.code });
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await store.headPosition()).toEqual(before);
  });

  it('reads a command sent gzip-compressed as its JSON, and an id of 128 characters in the path', async () => {
    const assetId = `g${'z'.repeat(127)}`;
    const written = await ledger.http().post('/assets').set({ Authorization: `Bearer ${maker}`, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' })
      .serialize(asIs).send(gzipSync(JSON.stringify({ ...chip, assetId }))).expect(201);
    expect(written.body.events).toEqual(['AssetManufactured']);
    expect((await ledger.get(`/assets/${assetId}?position=${written.body.position}`, maker).expect(200)).body.assetId).toBe(assetId);
  });
});
