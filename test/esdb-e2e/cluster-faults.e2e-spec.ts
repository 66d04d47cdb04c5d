import type { EsdbTestServer } from '../esdb/esdb-test-server';
import { startEsdbTestServer } from '../esdb/esdb-test-server';
import type { TestLedger } from '../support/ledger-test-app';
import { startTestLedger } from '../support/ledger-test-app';

/**
 * The HTTP API on an EventStoreDB node that refuses writes for now (an election, overload) or holds a deleted
 * stream: RFC 9457 answers with stable codes, and nothing written.
 */

describe('the API on an EventStoreDB cluster in trouble', () => {
  let server: EsdbTestServer;
  let ledger: TestLedger;
  let maker: string;
  const chip = (assetId: string) => ({ assetId, kind: 'chip', model: 'nvidia-h100-sxm', facilityId: 'fab' });
  const streamEvents = (assetId: string) => server.events().filter((event) => event.streamName === `asset-${assetId}`);

  beforeAll(async () => {
    server = await startEsdbTestServer({ systemEventEvery: 0, writeTimeoutMs: 100 });
    ledger = await startTestLedger({ eventStoreConnectionString: server.connectionString, readWaitMs: 2000 });
    maker = await ledger.registerParty('maker', ['manufacturer'], 'TW');
    await ledger.registerParty('carrier', ['carrier'], 'NL');
    await ledger.registerFacility('fab', 'maker', 'TW', 'assembly');
  });
  afterAll(async () => {
    await ledger?.close();
    await server?.stop();
  });
  afterEach(() => server.faults.clear());

  it('a node that is not ready: 503 problem+json with Retry-After, nothing written; the same request succeeds once it is', async () => {
    server.faults.failAppends('not-ready', { stream: /^asset-/, times: Number.POSITIVE_INFINITY });
    const refused = await ledger.post('/assets', maker, chip('gpu-election'), { 'Idempotency-Key': 'make-gpu-election' });
    expect({ status: refused.status, type: refused.headers['content-type'], code: refused.body.code, retryAfter: refused.headers['retry-after'] })
      .toEqual({ status: 503, type: expect.stringMatching(/^application\/problem\+json/), code: 'store-unavailable', retryAfter: '1' });
    expect(server.faults.injected['not-ready']).toBeGreaterThan(1); // the adapter tried again before giving up
    expect(streamEvents('gpu-election')).toEqual([]);

    server.faults.clear();
    await ledger.post('/assets', maker, chip('gpu-election'), { 'Idempotency-Key': 'make-gpu-election' }).expect(201);
    expect(streamEvents('gpu-election').map((event) => event.type)).toEqual(['AssetManufactured']);
  });

  it('a node that is busy for a moment: the command succeeds, written once', async () => {
    server.faults.failAppends('busy', { stream: /^asset-gpu-busy/, times: 2 });
    await ledger.post('/assets', maker, chip('gpu-busy')).expect(201);
    expect(streamEvents('gpu-busy').map((event) => event.type)).toEqual(['AssetManufactured']);
  });

  it('a tombstoned asset stream: 410 problem+json stream-deleted, nothing written', async () => {
    await ledger.post('/assets', maker, chip('gpu-gone')).expect(201);
    server.tombstone('asset-gpu-gone');
    const before = streamEvents('gpu-gone').length;
    const response = await ledger.post('/assets/gpu-gone/shipments', maker, { toFacilityId: 'fab', carrierId: 'carrier' });
    expect({ status: response.status, type: response.headers['content-type'], code: response.body.code })
      .toEqual({ status: 410, type: expect.stringMatching(/^application\/problem\+json/), code: 'stream-deleted' });
    expect(streamEvents('gpu-gone')).toHaveLength(before);
  });

  it('/health names the node the API talks to and that it is the leader', async () => {
    const { body } = await ledger.http().get('/health').expect(200);
    expect(body.store).toEqual({
      kind: 'eventstoredb', location: server.connectionString, reachable: true, node: { endpoint: `127.0.0.1:${server.port}`, leader: true },
    });
  });
});
