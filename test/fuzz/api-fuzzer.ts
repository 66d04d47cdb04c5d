import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { EVENT_STORE, comparePositions } from '@chip-ledger/event-store';
import type { EventStore, GlobalPosition } from '@chip-ledger/event-store';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { TestLedger } from '../support/ledger-test-app';
import { ResponseContract } from '../support/response-contract';
import type { FuzzWorld, HostileRequest, OpenApiDocument } from './hostile-requests';
import { describeRequest, documentedRoutes, hostileRequests, toBytes } from './hostile-requests';
import type { RawResponse } from './raw-http';
import { sendRaw } from './raw-http';

const chip = (assetId: string, facilityId = 'fab') => ({ assetId, kind: 'chip', model: 'nvidia-h100-sxm', facilityId });
const unit = (assetId: string, kind: string) => ({ assetId, kind, model: `${kind} model`, facilityId: 'fab' });

/**
 * Parties of every role, facilities in several countries, and assets in several states (at the fab, packed, in
 * transit and held at customs, installed), so that well-formed requests from the wrong party meet real state.
 */
export const seedFuzzWorld = async (ledger: TestLedger): Promise<FuzzWorld> => {
  const keys: Record<string, string> = { admin: ledger.adminKey };
  const parties: ReadonlyArray<readonly [string, Parameters<TestLedger['registerParty']>[1], string]> = [
    ['maker', ['manufacturer'], 'TW'], ['maker2', ['manufacturer'], 'US'], ['carrier', ['carrier'], 'NL'],
    ['operator', ['operator'], 'DE'], ['operator2', ['operator'], 'US'], ['customs', ['customs'], 'DE'],
    ['investigator', ['investigator'], 'US'], ['stranger', ['operator'], 'FR'],
  ];
  for (const [partyId, roles, country] of parties) keys[partyId] = await ledger.registerParty(partyId, roles, country);
  const spareKeyIds: string[] = [];
  for (const [partyId] of parties.slice(0, 4)) {
    spareKeyIds.push((await ledger.post(`/parties/${partyId}/api-keys`, ledger.adminKey).expect(201)).body.keyId);
  }
  await ledger.registerFacility('fab', 'maker', 'TW', 'assembly');
  await ledger.registerFacility('fab2', 'maker2', 'US', 'fab');
  await ledger.registerFacility('dc', 'operator', 'DE', 'datacenter');
  await ledger.registerFacility('dc2', 'operator2', 'US', 'datacenter');
  await ledger.registerFacility('port', 'carrier', 'NL', 'port');
  const commands: ReadonlyArray<readonly [string, string, object]> = [
    ...['gpu-1', 'gpu-2', 'gpu-3', 'gpu-4', 'gpu-5', 'gpu-6'].map((id) => ['maker', '/assets', chip(id)] as const),
    ['maker2', '/assets', chip('gpu-7', 'fab2')],
    ['maker', '/assets', unit('board-1', 'board')], ['maker', '/assets', unit('server-1', 'server')],
    ['maker', '/assets', unit('rack-1', 'rack')],
    ['maker', '/assets/board-1/packing', { childIds: ['gpu-1', 'gpu-2'] }],
    ['maker', '/assets/server-1/packing', { childIds: ['board-1'] }],
    ['maker', '/assets/server-1/shipments', { toFacilityId: 'dc', carrierId: 'carrier' }],
    ['customs', '/assets/server-1/customs-holds', { country: 'DE', reason: 'papers' }],
    ['maker', '/assets/gpu-3/shipments', { toFacilityId: 'dc', carrierId: 'carrier' }],
    ['operator', '/assets/gpu-3/receipts', { facilityId: 'dc' }],
    ['maker', '/assets/gpu-3/ownership-transfers', { toOwnerId: 'operator' }],
    ['operator', '/assets/gpu-3/installations', { cluster: 'c1' }],
    ['maker', '/assets/gpu-4/decommissioning', { reason: 'end of life' }],
  ];
  for (const [party, path, body] of commands) await ledger.post(path, keys[party], body).expect(201);
  return {
    keys,
    assetIds: ['gpu-1', 'gpu-2', 'gpu-3', 'gpu-4', 'gpu-5', 'gpu-6', 'gpu-7', 'board-1', 'server-1', 'rack-1', 'gpu-unknown'],
    facilityIds: ['fab', 'fab2', 'dc', 'dc2', 'port', 'atlantis'],
    partyIds: [...parties.map(([partyId]) => partyId), 'admin', 'nobody'],
    spareKeyIds: [...spareKeyIds, 'no-such-key'],
  };
};

const samePosition = (a: GlobalPosition | null, b: GlobalPosition | null): boolean =>
  a === null || b === null ? a === b : comparePositions(a, b) === 0;

export type FuzzSummary = {
  readonly seed: number;
  readonly sent: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly routes: number;
  readonly violations: readonly string[];
};

/** HEAD (Fastify's, for every GET route) and OPTIONS (404) are not in the document, which describes the methods the API serves. */
const UNDOCUMENTED_METHODS = new Set(['HEAD', 'OPTIONS']);

const parsedBody = (response: RawResponse): unknown => {
  if (!/json/.test(response.headers['content-type'] ?? '')) return response.body;
  try {
    return JSON.parse(response.body);
  } catch {
    return response.body;
  }
};

/**
 * What must hold for every answer, whatever was asked: no 5xx, problem+json 4xx with a code, nothing written by a
 * 4xx, and the answer is one the OpenAPI document describes.
 */
const violationsOf = (request: HostileRequest, response: RawResponse, logChanged: boolean, contract: ResponseContract): string[] => {
  const found: string[] = [];
  if (!UNDOCUMENTED_METHODS.has(request.method)) {
    found.push(...contract.disagreements({
      method: request.method, path: request.target.split('?')[0], status: response.status, headers: response.headers,
      body: parsedBody(response), text: response.body,
    }));
  }
  if (response.status >= 500) found.push(`answered ${response.status}: ${response.body.slice(0, 300)}`);
  if (response.status >= 400 && response.status < 500) {
    if (!/^application\/problem\+json/.test(response.headers['content-type'] ?? '')) {
      found.push(`a ${response.status} that is not problem+json (${response.headers['content-type']}): ${response.body.slice(0, 200)}`);
    } else if (request.method !== 'HEAD') {
      let problem: { code?: unknown; status?: unknown } = {};
      try {
        problem = JSON.parse(response.body) as typeof problem;
      } catch {
        found.push(`a ${response.status} whose body is not JSON: ${response.body.slice(0, 200)}`);
      }
      if (typeof problem.code !== 'string' || problem.code === '') found.push(`a ${response.status} without a code: ${response.body.slice(0, 200)}`);
      if (problem.status !== response.status) found.push(`a ${response.status} whose problem says status ${String(problem.status)}`);
    }
    if (logChanged) found.push(`a refused request (${response.status}) wrote to the event log`);
  }
  return found;
};

export type FuzzOptions = {
  readonly runs: number;
  readonly seed?: number;
  /** Stop at the first request that breaks a rule (tests); otherwise collect every one (a long run's report). */
  readonly stopAtFirst?: boolean;
};

/**
 * Reads the OpenAPI document the ledger serves and sends `runs` hostile requests for its routes, one at a time, each
 * checked against the rules above; the event log's head is compared before and after every request.
 */
export const fuzzApi = async (ledger: TestLedger, world: FuzzWorld, { runs, seed = Date.now() % 2 ** 31, stopAtFirst = true }: FuzzOptions): Promise<FuzzSummary> => {
  const server = ledger.app.getHttpServer();
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const store = ledger.app.get<EventStore>(EVENT_STORE);
  const served = await sendRaw(port, Buffer.from('GET /docs/openapi.json HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'));
  const document = JSON.parse(served.body) as OpenApiDocument;
  const contract = new ResponseContract(document as unknown as OpenAPIObject);
  const byStatus: Record<string, number> = {};
  const violations: string[] = [];
  let sent = 0;
  // Nothing but these requests writes to the log, one at a time: the head after one is the head before the next.
  let head = await store.headPosition();
  await fc.assert(
    fc.asyncProperty(hostileRequests(document, world), async (request) => {
      const before = head;
      const response = await sendRaw(port, toBytes(request));
      const after = await store.headPosition();
      head = after;
      sent++;
      byStatus[response.status] = (byStatus[response.status] ?? 0) + 1;
      if (process.env.FUZZ_TRACE) process.stdout.write(`${response.status} ${response.body.slice(0, 160)} <- ${describeRequest(request).slice(0, 300)}\n`);
      const found = violationsOf(request, response, !samePosition(before, after), contract);
      if (found.length === 0) return;
      const report = `${request.route}: ${found.join('; ')}\n    request: ${describeRequest(request)}`;
      violations.push(report);
      if (stopAtFirst) throw new Error(report);
    }),
    // No shrinking: every request changes the ledger it is sent to, so a smaller one would not meet the same state.
    { numRuns: runs, seed, endOnFailure: true },
  ).catch((error: unknown) => {
    if (violations.length === 0) throw error;
  });
  return { seed, sent, byStatus, routes: documentedRoutes(document).length, violations };
};

export const formatSummary = ({ seed, sent, byStatus, routes, violations }: FuzzSummary): string =>
  [
    `fuzz: ${sent} requests over ${routes} documented routes (seed ${seed}), ${violations.length} broke a rule`,
    `  by status: ${Object.entries(byStatus).sort(([a], [b]) => a.localeCompare(b)).map(([status, count]) => `${status} ×${count}`).join(', ')}`,
    ...violations.slice(0, 20).map((violation) => `  ✗ ${violation}`),
  ].join('\n');
