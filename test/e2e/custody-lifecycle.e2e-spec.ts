import { describeOnEachStore } from '../support/ledger-stores';
import type { TestLedger } from '../support/ledger-test-app';

/** The whole journey of a chip over HTTP, then where it is, its history, and what was known when. */
describeOnEachStore('custody lifecycle over HTTP', (on) => {
  let ledger: TestLedger;
  let maker: string;
  let carrier: string;
  let customs: string;
  let nimbus: string;
  let investigator: string;
  let knownBeforeReceipt: string;
  let lastPosition: string;

  const day = (d: number) => `2026-11-${String(d).padStart(2, '0')}T12:00:00.000Z`;
  const write = async (path: string, key: string, body: object) => {
    const response = await ledger.post(path, key, body);
    expect({ path, status: response.status, body: response.body }).toMatchObject({ status: 201 });
    lastPosition = response.body.position;
    return response;
  };

  beforeAll(async () => {
    ledger = await on.start();
    maker = await ledger.registerParty('formosa', ['manufacturer'], 'TW');
    carrier = await ledger.registerParty('skyfreight', ['carrier'], 'NL');
    customs = await ledger.registerParty('de-customs', ['customs'], 'DE');
    nimbus = await ledger.registerParty('nimbus', ['operator'], 'DE');
    investigator = await ledger.registerParty('registry', ['investigator'], 'CH');
    await ledger.registerFacility('tw-assembly', 'formosa', 'TW', 'assembly');
    await ledger.registerFacility('dc-fra', 'nimbus', 'DE', 'datacenter');

    for (const id of ['gpu-1', 'gpu-2']) {
      await write('/assets', maker, { assetId: id, kind: 'chip', model: 'nvidia-h100-sxm', facilityId: 'tw-assembly', occurredAt: day(1) });
    }
    await write('/assets', maker, { assetId: 'board-1', kind: 'board', model: 'HGX baseboard', facilityId: 'tw-assembly', occurredAt: day(1) });
    await write('/assets', maker, { assetId: 'server-1', kind: 'server', model: 'HGX server', facilityId: 'tw-assembly', occurredAt: day(1) });
    await write('/assets/board-1/packing', maker, { childIds: ['gpu-1', 'gpu-2'], occurredAt: day(2) });
    await write('/assets/server-1/packing', maker, { childIds: ['board-1'], occurredAt: day(3) });
    await write('/assets/server-1/shipments', maker, {
      toFacilityId: 'dc-fra', carrierId: 'skyfreight', exportLicence: 'BIS-L-1', transitCountries: ['SG'], occurredAt: day(5),
    });
    await write('/assets/server-1/customs-holds', customs, { country: 'DE', reason: 'documents check', occurredAt: day(7) });
    const refused = await ledger.post('/assets/server-1/receipts', nimbus, { facilityId: 'dc-fra', occurredAt: day(7) });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('customs-hold-active');
    await write('/assets/server-1/customs-clearances', customs, { releaseRef: 'REL-9', occurredAt: day(8) });
    knownBeforeReceipt = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await write('/assets/server-1/receipts', nimbus, { facilityId: 'dc-fra', occurredAt: day(9) });
    await write('/assets/server-1/ownership-transfers', maker, { toOwnerId: 'nimbus', contractRef: 'PO-1', occurredAt: day(9) });
    await write('/assets/server-1/installations', nimbus, { cluster: 'fra-1', rack: 'R1', slot: 'U7', occurredAt: day(10) });
    void carrier;
  });

  afterAll(() => ledger.close());

  it('shows a chip where its outermost container is, owned and held by the buyer', async () => {
    const response = await ledger.get(`/assets/gpu-1?position=${lastPosition}`, investigator).expect(200);
    expect(response.body).toMatchObject({
      assetId: 'gpu-1', kind: 'chip', model: 'nvidia-h100-sxm', status: 'installed', facilityId: 'dc-fra',
      country: 'DE', ownerId: 'nimbus', custodianId: 'nimbus', parentId: 'board-1', rootId: 'server-1',
    });
  });

  it('tells the chip\'s history, with the server\'s journey while the chip was inside it', async () => {
    const { body } = await ledger.get('/assets/gpu-1/history', investigator).expect(200);
    const steps = body.entries.map((entry: { eventType: string; viaAssetId: string | null }) => [entry.eventType, entry.viaAssetId]);
    expect(steps).toEqual([
      ['AssetManufactured', null],
      ['AssetPackedInto', null],
      ['AssetsPacked', 'server-1'],
      ['AssetShipped', 'server-1'],
      ['CustomsHeld', 'server-1'],
      ['CustomsCleared', 'server-1'],
      ['AssetReceived', 'server-1'],
      ['OwnershipTransferred', null],
      ['AssetInstalled', 'server-1'],
    ]);
  });

  it('answers where the chip was as of a business time', async () => {
    const atFab = await ledger.get(`/assets/gpu-1/history?asOf=${encodeURIComponent(day(4))}`, investigator).expect(200);
    expect(atFab.body.state).toMatchObject({ status: 'at-facility', facilityId: 'tw-assembly', country: 'TW', ownerId: 'formosa' });
    const inTransit = await ledger.get(`/assets/gpu-1/history?asOf=${encodeURIComponent(day(6))}`, investigator).expect(200);
    expect(inTransit.body.state).toMatchObject({ status: 'in-transit', facilityId: null, custodianId: 'skyfreight' });
    const beforeItExisted = await ledger.get('/assets/gpu-1/history?asOf=2026-10-01T00:00:00Z', investigator).expect(200);
    expect(beforeItExisted.body.state).toBeNull();
    expect(beforeItExisted.body.entries).toEqual([]);
  });

  it('answers what the ledger knew at a ledger time', async () => {
    const { body } = await ledger.get(`/assets/gpu-1/history?knownAt=${encodeURIComponent(knownBeforeReceipt)}`, investigator).expect(200);
    expect(body.state).toMatchObject({ status: 'in-transit', ownerId: 'formosa' });
    expect(body.entries.map((e: { eventType: string }) => e.eventType)).not.toContain('AssetReceived');
  });

  it('counts the datacenter\'s inventory by model and status', async () => {
    const { body } = await ledger.get('/facilities/dc-fra/inventory', nimbus).expect(200);
    expect(JSON.stringify(body)).toContain('nvidia-h100-sxm');
    expect(body).toMatchObject({ facilityId: 'dc-fra', total: 4 });
  });

  it('lets the owner list its assets and hides them from an unrelated party', async () => {
    const mine = await ledger.get('/assets?kind=chip', nimbus).expect(200);
    expect(mine.body.items.map((a: { assetId: string }) => a.assetId).sort()).toEqual(['gpu-1', 'gpu-2']);
    const stranger = await ledger.registerParty('stranger', ['operator'], 'FR');
    await ledger.get('/assets/gpu-1', stranger).expect(404);
    const none = await ledger.get('/assets', stranger).expect(200);
    expect(none.body.items).toEqual([]);
  });

  it('lets the former custodian (the carrier) still read what it carried', async () => {
    await ledger.get('/assets/gpu-1', carrier).expect(200);
  });

  it('records the declared licence and transit countries on the shipment in the history', async () => {
    const { body } = await ledger.get('/assets/server-1/history', investigator).expect(200);
    const shipment = body.entries.find((entry: { eventType: string }) => entry.eventType === 'AssetShipped');
    expect(shipment.data).toMatchObject({ exportLicence: 'BIS-L-1', transitCountries: ['SG'], originCountry: 'TW', destinationCountry: 'DE' });
  });

  it('refuses malformed shipment declarations (400) and a transit country that is the destination (422), writing nothing', async () => {
    await write('/assets', maker, { assetId: 'gpu-9', kind: 'chip', model: 'nvidia-h100-sxm', facilityId: 'tw-assembly', occurredAt: day(11) });
    const shipment = { toFacilityId: 'dc-fra', carrierId: 'skyfreight', occurredAt: day(12) };
    for (const declared of [
      { transitCountries: ['XX'] }, { transitCountries: ['SG', 'SG'] }, { transitCountries: 'SG' },
      { exportLicence: 'see letter!' }, { exportLicence: 'D'.repeat(65) },
    ]) {
      const response = await ledger.post('/assets/gpu-9/shipments', maker, { ...shipment, ...declared });
      expect({ declared, status: response.status, code: response.body.code }).toEqual({ declared, status: 400, code: 'validation-failed' });
    }
    const intoDestination = await ledger.post('/assets/gpu-9/shipments', maker, { ...shipment, transitCountries: ['SG', 'DE'] });
    expect(intoDestination.status).toBe(422);
    expect(intoDestination.body).toMatchObject({ code: 'invalid-reference', field: 'transitCountries', value: 'DE' });
    const unmoved = await ledger.get('/assets/gpu-9', maker).expect(200);
    expect(unmoved.body).toMatchObject({ status: 'at-facility', facilityId: 'tw-assembly', shipment: null });

    await write('/assets/gpu-9/shipments', maker, { ...shipment, exportLicence: 'BIS-L-9', transitCountries: ['SG', 'NL'] });
    const { body } = await ledger.get(`/assets/gpu-9?position=${lastPosition}`, maker).expect(200);
    expect(body).toMatchObject({
      status: 'in-transit',
      shipment: { originCountry: 'TW', destinationCountry: 'DE', exportLicence: 'BIS-L-9', transitCountries: ['SG', 'NL'] },
    });
  });
});
