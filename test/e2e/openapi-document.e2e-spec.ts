import SwaggerParser from '@apidevtools/swagger-parser';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Type } from '@nestjs/common';
import request from 'supertest';
import { DECORATORS, getSchemaPath } from '@nestjs/swagger';
import type { OpenAPIObject, OperationObject, ParameterObject, ResponseObject, SecuritySchemeObject } from '@nestjs/swagger';
import { ID_PATTERN } from '@chip-ledger/domain';
import { API_TAGS, API_VERSION } from '../../apps/api/src/openapi/openapi-document';
import { checkedAgainstDocument } from '../support/checked-http';
import type { TestLedger } from '../support/ledger-test-app';
import { startTestLedger } from '../support/ledger-test-app';
import { ResponseContract } from '../support/response-contract';

/**
 * The served document is valid OpenAPI and describes every route completely; the contract every e2e response goes
 * through (test/support/checked-http.ts) holds the server to it. The document does not depend on the store, so one
 * store suffices here; the suites that run on both stores check their responses against it.
 */
type Operation = { readonly method: string; readonly path: string; readonly operation: OperationObject };

const API_SOURCES = join(__dirname, '../../apps/api/src');
const PUBLIC_PATHS = new Set(['/health', '/catalogue/accelerators', '/metrics']);
/** Answers in another format than JSON: Prometheus text. */
const TEXT_PATHS = new Set(['/metrics']);
const PROBLEM_REF = '#/components/schemas/ProblemDetails';

const operationsOf = (document: OpenAPIObject): Operation[] =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    (['get', 'post', 'put', 'patch', 'delete'] as const)
      .filter((method) => item[method])
      .map((method) => ({ method, path, operation: item[method] as OperationObject })));

const responsesOf = (operation: OperationObject) => operation.responses as Record<string, ResponseObject>;
const headerNames = (operation: OperationObject) =>
  (operation.parameters as ParameterObject[] | undefined ?? []).filter((p) => p.in === 'header').map((p) => p.name);
const isCommand = ({ method }: Operation) => method !== 'get';
const label = ({ method, path }: Operation) => `${method.toUpperCase()} ${path}`;

describe('the OpenAPI document', () => {
  let ledger: TestLedger;
  let document: OpenAPIObject;
  let operations: Operation[];

  beforeAll(async () => {
    ledger = await startTestLedger();
    document = (await request(ledger.app.getHttpServer()).get('/docs/openapi.json').expect(200).expect('Content-Type', /json/)).body;
    operations = operationsOf(document);
  });

  afterAll(() => ledger.close());

  it('is valid OpenAPI (swagger-parser)', async () => {
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('names every schema once: two classes of one name would share one schema, the later replacing the earlier', async () => {
    // Nest keys schemas by class name and, for a nested type, reuses whatever schema already has that name, silently.
    const modules: Record<string, unknown>[] = await Promise.all(readdirSync(API_SOURCES, { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.(dto|query)\.ts$/.test(file))
      .map((file) => import(join(API_SOURCES, file))));
    const classes = modules.flatMap((exported) => Object.values(exported))
      .filter((value): value is Type<unknown> => typeof value === 'function' && Reflect.hasMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, value.prototype));
    expect(classes.length).toBeGreaterThan(30);
    const names = classes.map((model) => getSchemaPath(model));
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });

  it('has a title, this contract\'s version, a description, and one described tag per area on every operation', () => {
    expect(document.info).toMatchObject({ title: 'chip-ledger', version: API_VERSION, description: expect.stringContaining('problem+json') });
    expect(document.tags).toEqual(Object.entries(API_TAGS).map(([name, description]) => ({ name, description })));
    expect(operations.length).toBeGreaterThanOrEqual(28);
    for (const op of operations) {
      const tags = op.operation.tags ?? [];
      expect({ op: label(op), tags: tags.length, known: tags.every((tag) => tag in API_TAGS) }).toEqual({ op: label(op), tags: 1, known: true });
    }
  });

  it('describes the API key as an opaque bearer token (not a JWT), or the same key in X-API-Key', () => {
    const schemes = (document.components?.securitySchemes ?? {}) as Record<string, SecuritySchemeObject>;
    const bearer = Object.values(schemes).find((scheme) => scheme.scheme === 'bearer');
    expect(bearer).toMatchObject({ type: 'http', scheme: 'bearer', description: expect.stringContaining('cl_') });
    expect(JSON.stringify(bearer)).not.toMatch(/"bearerFormat":"[^"]*JWT/i);
    expect(Object.values(schemes)).toContainEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }));
    for (const op of operations) {
      const secured = (op.operation.security ?? []).length > 0;
      expect({ op: label(op), secured }).toEqual({ op: label(op), secured: !PUBLIC_PATHS.has(op.path) });
    }
  });

  it('documents a success schema for every route', () => {
    for (const op of operations) {
      const success = Object.entries(responsesOf(op.operation)).filter(([status]) => /^2\d\d$/.test(status));
      expect({ op: label(op), success: success.map(([status]) => status) }).toEqual({ op: label(op), success: [op.method === 'post' ? '201' : '200'] });
      const media = TEXT_PATHS.has(op.path) ? 'text/plain' : 'application/json';
      expect({ op: label(op), schema: success[0][1].content?.[media]?.schema }).toEqual({ op: label(op), schema: expect.any(Object) });
    }
  });

  it('says what each path parameter accepts: an id, as ParseIdPipe checks it', () => {
    const pathParameters = operations.flatMap((op) => (op.operation.parameters as ParameterObject[] ?? []).filter((p) => p.in === 'path'));
    expect(pathParameters.length).toBeGreaterThan(20);
    for (const parameter of pathParameters) expect(parameter.schema).toEqual({ type: 'string', pattern: ID_PATTERN.source });
  });

  it('answers every error with the one ProblemDetails schema as application/problem+json', () => {
    const problem = document.components?.schemas?.ProblemDetails;
    expect(problem).toMatchObject({
      type: 'object', additionalProperties: true,
      required: expect.arrayContaining(['type', 'title', 'status', 'detail', 'code']),
      properties: { instance: { type: 'string' }, errors: { type: 'array' } },
    });
    for (const op of operations) {
      for (const [status, response] of Object.entries(responsesOf(op.operation)).filter(([s]) => Number(s) >= 400)) {
        if (op.path === '/health' && status === '503') continue; // /health answers its report, degraded
        expect({ op: `${label(op)} ${status}`, content: response.content }).toEqual({
          op: `${label(op)} ${status}`, content: { 'application/problem+json': { schema: { $ref: PROBLEM_REF } } },
        });
      }
    }
  });

  it('lists the statuses each kind of route can answer, with Retry-After where the client should wait', () => {
    for (const op of operations) {
      const responses = responsesOf(op.operation);
      const statuses = Object.keys(responses).map(Number);
      const expected = [400, 408, 413, 415, 417, 431];
      if (!PUBLIC_PATHS.has(op.path)) expected.push(401, 503);
      if (isCommand(op)) expected.push(403, 409, 412, 507);
      if (/\{(assetId|partyId|facilityId)\}/.test(op.path)) expected.push(404);
      expect({ op: label(op), statuses }).toEqual({ op: label(op), statuses: expect.arrayContaining(expected) });
      for (const status of ['503', '507'].filter((s) => responses[s]?.content?.['application/problem+json'])) {
        expect({ op: `${label(op)} ${status}`, headers: Object.keys(responses[status].headers ?? {}) }).toEqual({ op: `${label(op)} ${status}`, headers: ['Retry-After'] });
      }
    }
  });

  it('documents the write headers: Idempotency-Key and If-Match in, ETag and Idempotent-Replayed out', () => {
    const commands = operations.filter(isCommand);
    expect(commands.length).toBeGreaterThanOrEqual(19);
    for (const op of commands) {
      const replayable = op.path !== '/parties/{partyId}/api-keys'; // a fresh secret each time: never replayed
      const success = Object.entries(responsesOf(op.operation)).find(([status]) => /^2/.test(status))![1];
      expect({ op: label(op), in: headerNames(op.operation), out: Object.keys(success.headers ?? {}) }).toEqual({
        op: label(op),
        in: expect.arrayContaining(replayable ? ['Idempotency-Key', 'If-Match'] : ['If-Match']),
        out: replayable ? ['ETag', 'Idempotent-Replayed'] : ['ETag'],
      });
      if (!replayable) expect(headerNames(op.operation)).not.toContain('Idempotency-Key');
    }
  });

  describe('the response contract the e2e suites check every response against', () => {
    let contract: ResponseContract;
    const asset = (overrides: object = {}) => ({
      assetId: 'gpu-1', kind: 'chip', model: 'nvidia-h100-sxm', serialNumber: null, manufacturerId: 'maker', status: 'at-facility',
      ownStatus: 'at-facility', facilityId: 'fab', country: 'TW', ownerId: 'maker', custodianId: 'maker', parentId: null, rootId: 'gpu-1',
      flags: [], customsHold: null, shipment: null, installation: { cluster: 'c1', rack: null, slot: null }, lastEventType: 'AssetManufactured',
      lastOccurredAt: '2026-11-20T08:00:00.000Z', lastRecordedAt: '2026-11-20T08:00:00.000Z', lastPosition: '7', revision: 0, childIds: [],
      ...overrides,
    });
    const json = { 'content-type': 'application/json; charset=utf-8' };
    const problemJson = { 'content-type': 'application/problem+json; charset=utf-8' };
    const problem = { type: 'https://chip-ledger.dev/problems/asset-not-found', title: 'Not Found', status: 404, detail: 'd', instance: '/assets/x', code: 'asset-not-found' };
    const check = (method: string, path: string, status: number, headers: Record<string, string>, body: unknown) =>
      contract.disagreements({ method, path, status, headers, body, text: body === undefined ? '' : JSON.stringify(body) });

    beforeAll(() => {
      contract = new ResponseContract(document);
    });

    it('accepts what the document describes, nullable nested objects, problem extensions and text bodies included', () => {
      expect(check('GET', '/assets/gpu-1', 200, json, asset())).toEqual([]);
      expect(check('GET', '/assets/gpu-1', 404, problemJson, { ...problem, assetId: 'gpu-1' })).toEqual([]);
      expect(check('POST', '/assets/gpu-1/shipments', 503, { ...problemJson, 'retry-after': '1' }, { ...problem, status: 503, code: 'store-unavailable' })).toEqual([]);
      expect(check('GET', '/teleport', 404, problemJson, { ...problem, code: 'not-found' })).toEqual([]);
      const withText = structuredClone(document);
      withText.paths['/health'].get!.responses['200'] = { description: 'text', content: { 'text/plain': { schema: { type: 'string', pattern: '^ok' } } } };
      const text = (body: string) => new ResponseContract(withText)
        .disagreements({ method: 'GET', path: '/health', status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: {}, text: body });
      expect(text('ok\n')).toEqual([]);
      expect(text('no')).toEqual([expect.stringContaining('must match pattern')]);
    });

    it('refuses an undocumented status, content type, field, missing field, wrong type or header', () => {
      expect(check('GET', '/assets/gpu-1', 500, problemJson, { ...problem, status: 500 })).toEqual([expect.stringContaining('status 500 is not documented')]);
      expect(check('GET', '/assets/gpu-1', 404, json, problem)).toEqual([expect.stringContaining('content type application/json is not the documented application/problem+json')]);
      expect(check('GET', '/assets/gpu-1', 200, json, asset({ secret: 'x' }))).toEqual([expect.stringContaining('must NOT have additional properties (secret)')]);
      const { ownerId: _, ...withoutOwner } = asset();
      expect(check('GET', '/assets/gpu-1', 200, json, withoutOwner)).toEqual([expect.stringContaining('must have required property \'ownerId\'')]);
      expect(check('GET', '/assets/gpu-1', 200, json, asset({ revision: '3' }))).toEqual([expect.stringContaining('body/revision must be integer')]);
      expect(check('GET', '/assets/gpu-1', 200, json, asset({ lastOccurredAt: 'yesterday' }))).toEqual([expect.stringContaining('must match format "date-time"')]);
      expect(check('GET', '/assets/gpu-1', 404, problemJson, { ...problem, code: undefined })).toEqual([expect.stringContaining('code')]);
      expect(check('GET', '/assets/gpu-1', 200, { ...json, etag: '"3"' }, asset())).toEqual([expect.stringContaining('header etag is sent but not documented')]);
      expect(check('GET', '/teleport', 200, json, {})).toEqual(expect.arrayContaining([expect.stringContaining('must answer 404 or 400 or 408 or 413 or 415 or 417 or 431, not 200')]));
      expect(check('POST', '/teleport', 431, problemJson, { ...problem, status: 431, code: 'headers-too-large' })).toEqual([]);
      expect(check('GET', '/assets/gpu-1', 404, problemJson, { ...problem, status: 400 })).toEqual([expect.stringContaining('the problem says status 400')]);
      const written = { commandId: 'c', streamName: 'asset-gpu-1', revision: '3', position: '9', events: ['AssetShipped'] };
      expect(check('POST', '/assets/gpu-1/shipments', 201, { ...json, etag: '"3"', 'idempotent-replayed': 'true' }, written)).toEqual([]);
      expect(check('POST', '/assets/gpu-1/shipments', 201, { ...json, etag: 'W/"a1-b2"' }, written)).toEqual([expect.stringContaining('header etag must match pattern')]);
    });

    it('fails a real request whose answer the document does not describe', async () => {
      const without404 = structuredClone(document);
      delete (without404.paths['/assets/{assetId}'].get!.responses as Record<string, unknown>)['404'];
      const http = checkedAgainstDocument(request(ledger.app.getHttpServer()), new ResponseContract(without404));
      await expect(http.get('/assets/no-such-asset').set('Authorization', `Bearer ${ledger.adminKey}`).expect(404))
        .rejects.toThrow(/status 404 is not documented/);
      await ledger.get('/assets/no-such-asset', ledger.adminKey).expect(404);
    });
  });
});
