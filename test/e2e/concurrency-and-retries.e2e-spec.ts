import { EVENT_STORE } from '@chip-ledger/event-store';
import type { EventStore } from '@chip-ledger/event-store';
import { describeOnEachStore } from '../support/ledger-stores';
import type { TestLedger } from '../support/ledger-test-app';

describeOnEachStore('concurrent and retried commands', (on) => {
  let ledger: TestLedger;
  let maker: string;
  let store: EventStore;

  beforeAll(async () => {
    ledger = await on.start();
    store = ledger.app.get<EventStore>(EVENT_STORE);
    maker = await ledger.registerParty('maker', ['manufacturer'], 'TW');
    await ledger.registerParty('carrier', ['carrier'], 'NL');
    await ledger.registerParty('dc-op', ['operator'], 'DE');
    await ledger.registerFacility('fab', 'maker', 'TW', 'assembly');
    await ledger.registerFacility('dc', 'dc-op', 'DE', 'datacenter');
  });

  afterAll(() => ledger.close());

  const manufacture = (assetId: string) =>
    ledger.post('/assets', maker, { assetId, kind: 'chip', model: 'nvidia-h200', facilityId: 'fab' }).expect(201);

  it('lets exactly one of 20 concurrent shipments of one asset through; the others get 409', async () => {
    await manufacture('gpu-race');
    const responses = await Promise.all(Array.from({ length: 20 }, () =>
      ledger.post('/assets/gpu-race/shipments', maker, { toFacilityId: 'dc', carrierId: 'carrier' })));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    for (const refused of responses.filter((r) => r.status === 409)) {
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(['invalid-transition', 'concurrency-conflict']).toContain(refused.body.code);
    }
    const stream = await store.readStream('asset-gpu-race');
    expect(stream.filter((e) => e.type === 'AssetShipped')).toHaveLength(1);
  });

  it('writes one event for a command sent twice with one Idempotency-Key and answers the same', async () => {
    await manufacture('gpu-idem');
    const send = () => ledger.post('/assets/gpu-idem/shipments', maker, { toFacilityId: 'dc', carrierId: 'carrier' }, { 'Idempotency-Key': 'ship-gpu-idem-1' });
    const first = await send();
    const second = await send();
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.headers['idempotent-replayed']).toBe('true');
    const stream = await store.readStream('asset-gpu-idem');
    expect(stream.filter((e) => e.type === 'AssetShipped')).toHaveLength(1);
  });

  it('writes once when the same keyed command races with itself', async () => {
    await manufacture('gpu-idem-race');
    const responses = await Promise.all(Array.from({ length: 5 }, () =>
      ledger.post('/assets/gpu-idem-race/shipments', maker, { toFacilityId: 'dc', carrierId: 'carrier' }, { 'Idempotency-Key': 'race-1' })));
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(responses.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect((await store.readStream('asset-gpu-idem-race')).filter((e) => e.type === 'AssetShipped')).toHaveLength(1);
  });

  it('refuses a stale If-Match with 412 and accepts the current ETag', async () => {
    const created = await manufacture('gpu-etag');
    const etag = created.headers.etag as string;
    expect(etag).toBe('"0"');
    const stale = await ledger.post('/assets/gpu-etag/shipments', maker, { toFacilityId: 'dc', carrierId: 'carrier' }, { 'If-Match': '"7"' });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('stale-revision');
    const fresh = await ledger.post('/assets/gpu-etag/shipments', maker, { toFacilityId: 'dc', carrierId: 'carrier' }, { 'If-Match': etag });
    expect(fresh.status).toBe(201);
    expect(fresh.headers.etag).toBe('"1"');
  });

  it('reads its own write: a query naming the write\'s position sees it', async () => {
    const written = await manufacture('gpu-ryw');
    const read = await ledger.get(`/assets/gpu-ryw?position=${written.body.position}`, maker).expect(200);
    expect(read.body.status).toBe('at-facility');
  });
});
