import { describeOnEachStore } from '../support/ledger-stores';
import type { TestLedger } from '../support/ledger-test-app';

type Entry = { eventType: string; occurredAt: string; recordedAt: string; snapshot: { status: string } };

/** Business time over HTTP, customs jurisdiction, facility inventory, serial numbers. */
describeOnEachStore('business time and domain rules over HTTP', (on) => {
  let ledger: TestLedger;
  let maker: string;
  let fr: string;
  let de: string;
  let nimbus: string;
  let inspector: string;
  let position = '0';

  const day = (d: number, hour = 12) => `2026-11-${String(d).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000Z`;
  const write = async (path: string, key: string, body: object) => {
    const response = await ledger.post(path, key, body);
    expect({ path, status: response.status, body: response.body }).toMatchObject({ status: 201 });
    position = response.body.position;
    return response;
  };
  const read = (path: string, key = inspector) =>
    ledger.get(`${path}${path.includes('?') ? '&' : '?'}position=${position}`, key).expect(200).then((r) => r.body);
  const history = (assetId: string, query = '') => read(`/assets/${assetId}/history${query}`) as Promise<{ entries: Entry[]; state: { status: string } | null }>;
  const chip = (assetId: string, occurredAt: string, serialNumber?: string) =>
    write('/assets', maker, { assetId, kind: 'chip', model: 'nvidia-h100-sxm', facilityId: 'tw-fab', occurredAt, ...(serialNumber ? { serialNumber } : {}) });

  beforeAll(async () => {
    ledger = await on.start();
    maker = await ledger.registerParty('formosa', ['manufacturer'], 'TW');
    await ledger.registerParty('skyfreight', ['carrier'], 'NL');
    de = await ledger.registerParty('de-customs', ['customs'], 'DE');
    fr = await ledger.registerParty('fr-customs', ['customs'], 'FR');
    nimbus = await ledger.registerParty('nimbus', ['operator'], 'DE');
    inspector = await ledger.registerParty('registry', ['investigator'], 'CH');
    await ledger.registerFacility('tw-fab', 'formosa', 'TW', 'fab');
    await ledger.registerFacility('dc-fra', 'nimbus', 'DE', 'datacenter');
  });

  afterAll(() => ledger.close());

  describe('business time', () => {
    beforeAll(async () => {
      await chip('bt-1', day(1));
      await write('/assets/bt-1/shipments', maker, { toFacilityId: 'dc-fra', carrierId: 'skyfreight', occurredAt: day(3) });
    });

    it('refuses a receipt dated before the shipment with 409 and writes nothing', async () => {
      const before = await history('bt-1');
      const refused = await ledger.post('/assets/bt-1/receipts', nimbus, { facilityId: 'dc-fra', occurredAt: day(2) });
      expect({ status: refused.status, code: refused.body.code, notBefore: refused.body.notBefore }).toEqual({
        status: 409, code: 'occurred-before-latest-change', notBefore: day(3),
      });
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(await history('bt-1')).toEqual(before);
    });

    it('accepts a late observation at its business time without changing what any time answers', async () => {
      await write('/assets/bt-1/receipts', nimbus, { facilityId: 'dc-fra', occurredAt: day(5) });
      const probes = [day(1, 13), day(3, 11), day(3, 13), day(4), day(4, 13), day(5, 11), day(5, 13)];
      const answers = async () => Promise.all(probes.map(async (t) => (await history('bt-1', `?asOf=${encodeURIComponent(t)}`)).state));
      const before = await answers();
      await new Promise((resolve) => setTimeout(resolve, 5));
      // Seen in transit on day 4 (between shipment and receipt), reported after the receipt was recorded.
      await write('/assets/bt-1/location-attestations', inspector, { observedFacilityId: 'dc-fra', method: 'inspection', occurredAt: day(4) });

      const { entries } = await history('bt-1');
      expect(entries.map((e) => [e.eventType, e.occurredAt, e.snapshot.status])).toEqual([
        ['AssetManufactured', day(1), 'at-facility'],
        ['AssetShipped', day(3), 'in-transit'],
        ['LocationAttested', day(4), 'in-transit'],
        ['AssetReceived', day(5), 'at-facility'],
      ]);
      expect(await answers()).toEqual(before);
      expect(before[3]).toMatchObject({ status: 'in-transit' });
      // Known when the receipt was recorded: the report was not.
      const known = await history('bt-1', `?knownAt=${encodeURIComponent(entries[3].recordedAt)}`);
      expect(known.entries.map((e) => e.eventType)).toEqual(['AssetManufactured', 'AssetShipped', 'AssetReceived']);
    });

    it('refuses an installation dated before the asset was made', async () => {
      await chip('bt-2', day(6));
      await write('/assets/bt-2/shipments', maker, { toFacilityId: 'dc-fra', carrierId: 'skyfreight', occurredAt: day(7) });
      await write('/assets/bt-2/receipts', nimbus, { facilityId: 'dc-fra', occurredAt: day(8) });
      const refused = await ledger.post('/assets/bt-2/installations', nimbus, { cluster: 'c1', occurredAt: day(2) });
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 409, code: 'occurred-before-latest-change' });
    });
  });

  describe('customs jurisdiction', () => {
    beforeAll(async () => {
      await chip('cj-1', day(1));
      await write('/assets/cj-1/shipments', maker, { toFacilityId: 'dc-fra', carrierId: 'skyfreight', occurredAt: day(2) });
    });

    it('refuses an agency whose country the shipment neither enters nor leaves', async () => {
      const refused = await ledger.post('/assets/cj-1/customs-holds', fr, { reason: 'check', occurredAt: day(3) });
      expect({ status: refused.status, code: refused.body.code, jurisdiction: refused.body.jurisdiction }).toEqual({
        status: 403, code: 'outside-jurisdiction', jurisdiction: 'FR',
      });
    });

    it('refuses a hold naming another country than the agency\'s', async () => {
      const refused = await ledger.post('/assets/cj-1/customs-holds', de, { country: 'FR', reason: 'check', occurredAt: day(3) });
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 422, code: 'invalid-reference' });
    });

    it('records the agency\'s country as the hold\'s', async () => {
      await write('/assets/cj-1/customs-holds', de, { reason: 'check', occurredAt: day(3) });
      expect((await read('/assets/cj-1')).customsHold).toEqual({ agencyId: 'de-customs', country: 'DE', reason: 'check' });
    });
  });

  it('counts only what is on site in a facility\'s inventory: not what was destroyed there', async () => {
    for (const id of ['inv-1', 'inv-2']) {
      await chip(id, day(1));
      await write(`/assets/${id}/shipments`, maker, { toFacilityId: 'dc-fra', carrierId: 'skyfreight', occurredAt: day(2) });
      await write(`/assets/${id}/receipts`, nimbus, { facilityId: 'dc-fra', occurredAt: day(3) });
    }
    const before = await read('/facilities/dc-fra/inventory', nimbus);
    await write('/assets/inv-2/decommissioning', nimbus, { reason: 'eol', occurredAt: day(4) });
    await write('/assets/inv-2/destruction', nimbus, { certificateRef: 'CERT-1', occurredAt: day(5) });
    const after = await read('/facilities/dc-fra/inventory', nimbus);
    expect(after.total).toBe(before.total - 1);
    expect(after.byStatus.destroyed).toBeUndefined();
    expect((await read('/assets/inv-2')).status).toBe('destroyed');
  });

  it('serves the catalogue with per-precision throughput, TPP, PD, classification and a source for every figure', async () => {
    // The checked agent validates this body against the OpenAPI document: the new fields must be documented.
    const { body } = await ledger.http().get('/catalogue/accelerators').expect(200);
    const byId = new Map((body as { id: string }[]).map((model) => [model.id, model]));
    expect(byId.get('nvidia-h100-sxm')).toMatchObject({
      denseThroughput: { BF16: 989, FP8: 1979 }, tpp: 15832, eccn3a090: '3A090.a', memoryBandwidthGbPerS: 3350,
      citations: expect.arrayContaining([expect.objectContaining({ figure: 'denseThroughput.FP8', value: 1979, official: true })]),
    });
    expect(byId.get('nvidia-h20')).toMatchObject({ eccn3a090: 'not-controlled', officialFigures: false });
    expect(byId.get('huawei-ascend-910c')).toMatchObject({ denseBf16Tflops: null, dieAreaMm2: null, performanceDensity: null });
  });

  it('records a chip of a model outside the catalogue, and counts only catalogued chips as compute', async () => {
    await write('/assets', maker, { assetId: 'unk-1', kind: 'chip', model: 'ghost-9000', facilityId: 'tw-fab', occurredAt: day(1) });
    await chip('unk-2', day(1));
    const inventory = await read('/facilities/tw-fab/inventory', maker);
    expect((await read('/assets/unk-1')).model).toBe('ghost-9000');
    expect(inventory.byModel).toEqual(expect.arrayContaining([expect.objectContaining({ model: 'ghost-9000', count: 1 })]));
    expect(inventory.compute.chips).toBe(inventory.byKind.chip - 1);
  });

  it('finds assets by serial number, and records a second asset with the same one', async () => {
    await chip('sn-1', day(1), 'SN-DUP-1');
    await chip('sn-2', day(1), 'SN-DUP-1');
    const ids = async (query: string, key = inspector) =>
      ((await read(`/assets?${query}`, key)).items as { assetId: string }[]).map((a) => a.assetId);
    expect(await ids('serialNumber=SN-DUP-1')).toEqual(['sn-1', 'sn-2']);
    expect(await ids('serialNumber=SN-DUP-1&manufacturerId=formosa&model=nvidia-h100-sxm')).toEqual(['sn-1', 'sn-2']);
    expect(await ids('serialNumber=SN-DUP-1&manufacturerId=nimbus')).toEqual([]);
    expect(await ids('serialNumber=SN-DUP-1', nimbus)).toEqual([]);
    expect(await ids('serialNumber=SN-DUP-1', maker)).toEqual(['sn-1', 'sn-2']);
  });
});
