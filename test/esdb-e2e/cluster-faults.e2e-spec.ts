import type { EsdbTestServer } from '../esdb/esdb-test-server';
import { startEsdbTestServer } from '../esdb/esdb-test-server';
import type { TestLedger } from '../support/ledger-test-app';
import { startTestLedger } from '../support/ledger-test-app';

/**
 * The HTTP API on an EventStoreDB node that refuses writes for now (an election, overload) or holds a deleted
 * stream: RFC 9457 answers with stable codes, and nothing written.
 */

const until = async <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

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

  it('/health when the node the API talks to is a follower that knows no leader: 503 degraded, naming that node, leader false; ok on the leader once one is known', async () => {
    // A cluster of its own: its leader is killed below.
    const cluster = await startEsdbTestServer({ systemEventEvery: 0 });
    const follower = await cluster.startFollower();
    const api = await startTestLedger({ eventStoreConnectionString: follower.connectionString, readWaitMs: 2000 });
    try {
      const key = await api.registerParty('maker', ['manufacturer'], 'TW');
      // The leader is gone and no other is elected yet: the client falls back to the node it was given.
      await cluster.kill();
      follower.setLeaderKnown(false);
      const election = await until('the API to reach the follower', async () => {
        const response = await api.http().get('/health');
        return response.body.store?.reachable ? response : undefined;
      });
      expect({ status: election.status, body: election.body.status, store: election.body.store }).toEqual({
        status: 503, body: 'degraded',
        store: { kind: 'eventstoredb', location: follower.connectionString, reachable: true, node: { endpoint: `127.0.0.1:${follower.port}`, leader: false } },
      });
      // Commands are refused meanwhile, as /health says.
      const refused = await api.post('/assets', key, chip('gpu-no-leader'));
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 503, code: 'store-unavailable' });

      await cluster.restart();
      follower.setLeaderKnown(true);
      const elected = await until('the API to find the leader', async () => {
        const response = await api.http().get('/health');
        return response.status === 200 ? response : undefined;
      });
      expect(elected.body.store).toEqual({
        kind: 'eventstoredb', location: follower.connectionString, reachable: true, node: { endpoint: `127.0.0.1:${cluster.port}`, leader: true },
      });
    } finally {
      await api.close();
      await cluster.stop();
    }
  });
});
