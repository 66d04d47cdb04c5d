import type { GlobalPosition } from '@chip-ledger/event-store';
import { encodePosition } from '@chip-ledger/event-store';
import type { LedgerQueries } from './ledger-queries';
import { InvalidCursor } from './ledger-queries';
import type { ProjectionRunner } from './projection-runner';
import type { ScenarioResult, ScenarioStep } from './testing/custody-scenario';
import { CHIPS_ON_BOARD_1, CHIPS_ON_BOARD_2, runCustodyScenario } from './testing/custody-scenario';
import { LedgerScript, day } from './testing/ledger-script';
import { TempLedger } from './testing/read-side-fixture';

describe('read models over a custody history', () => {
  let ledger: TempLedger;
  let runner: ProjectionRunner;
  let queries: LedgerQueries;
  let scenario: ScenarioResult;
  /** gpu-1-1 (in board-1, in server-1, in rack-1) as the read model showed it after each step. */
  const seen = new Map<ScenarioStep, ReturnType<LedgerQueries['getAsset']>>();
  /** Who could read gpu-1-1 after each step, among the parties below. */
  const readers = new Map<ScenarioStep, string[]>();
  const PARTIES = ['formosa', 'skyfreight', 'de-customs', 'fr-customs', 'nimbus', 'shadow', 'stranger'];

  const caughtUp = async (position: GlobalPosition | null) => {
    if (position) expect(await runner.waitForPosition(position, 5000)).toBe(true);
  };

  beforeAll(async () => {
    ledger = new TempLedger();
    ({ runner, queries } = ledger.readSide());
    scenario = await runCustodyScenario(new LedgerScript(ledger.store), async (step, written) => {
      await caughtUp(written.position);
      seen.set(step, queries.getAsset('gpu-1-1'));
      readers.set(step, PARTIES.filter((party) => queries.canSee(party, 'gpu-1-1')));
    });
    await caughtUp(scenario.last.position);
  });

  afterAll(() => ledger.cleanUp());

  describe('a chip inside a moving rack', () => {
    it('is where the rack is, held by whoever holds the rack, at every step of the journey', () => {
      const view = (step: ScenarioStep) => {
        const asset = seen.get(step);
        return asset && {
          status: asset.status, facilityId: asset.facilityId, country: asset.country, custodianId: asset.custodianId,
          ownerId: asset.ownerId, parentId: asset.parentId, rootId: asset.rootId,
        };
      };
      const fab = { facilityId: 'tw-assembly', country: 'TW', custodianId: 'formosa', ownerId: 'formosa' };
      expect(view('manufactured')).toEqual({ ...fab, status: 'at-facility', parentId: null, rootId: 'gpu-1-1' });
      expect(view('packed')).toEqual({ ...fab, status: 'at-facility', parentId: 'board-1', rootId: 'rack-1' });
      const inTransit = { status: 'in-transit', facilityId: null, country: null, custodianId: 'skyfreight', ownerId: 'formosa', parentId: 'board-1', rootId: 'rack-1' };
      expect(view('shipped')).toEqual(inTransit);
      expect(view('held')).toEqual(inTransit);
      expect(view('cleared')).toEqual(inTransit);
      const arrived = { facilityId: 'dc-fra', country: 'DE', custodianId: 'nimbus', parentId: 'board-1', rootId: 'rack-1' };
      expect(view('received')).toEqual({ ...arrived, status: 'at-facility', ownerId: 'formosa' });
      expect(view('sold')).toEqual({ ...arrived, status: 'at-facility', ownerId: 'nimbus' });
      expect(view('installed')).toEqual({ ...arrived, status: 'installed', ownerId: 'nimbus' });
    });

    it('carries the rack\'s shipment, customs hold and installation while inside it', () => {
      expect(seen.get('shipped')).toMatchObject({
        shipment: { fromFacilityId: 'tw-assembly', toFacilityId: 'dc-fra', carrierId: 'skyfreight', crossBorder: true },
        customsHold: null, ownStatus: 'at-facility',
      });
      expect(seen.get('held')?.customsHold).toEqual({ agencyId: 'de-customs', country: 'DE', reason: 'documents check' });
      expect(seen.get('cleared')?.customsHold).toBeNull();
      expect(seen.get('received')?.shipment).toBeNull();
      expect(queries.getAsset('gpu-1-1')).toMatchObject({
        installation: { cluster: 'fra-1', rack: 'R1', slot: null }, ownStatus: 'at-facility', lastEventType: 'OwnershipTransferred',
      });
    });

    it('every level of the nesting follows the outermost container', () => {
      for (const id of ['server-1', 'board-1', ...CHIPS_ON_BOARD_1]) {
        expect(queries.getAsset(id)).toMatchObject({ status: 'installed', facilityId: 'dc-fra', custodianId: 'nimbus', rootId: 'rack-1' });
      }
      expect(queries.getAsset('rack-1')).toMatchObject({ status: 'installed', rootId: 'rack-1', parentId: null, childIds: ['server-1'] });
    });
  });

  describe('assets taken out of containers', () => {
    it('stop following the container once unpacked', () => {
      // server-2 left the rack before the rack was installed; its chips followed server-2 instead.
      expect(queries.getAsset('server-2')).toMatchObject({
        status: 'at-facility', parentId: null, rootId: 'server-2', facilityId: 'dc-fra', flags: ['was-missing'],
      });
      expect(queries.getAsset('gpu-2-1')).toMatchObject({
        status: 'destroyed', ownStatus: 'destroyed', parentId: null, rootId: 'gpu-2-1', facilityId: 'dc-fra', ownerId: 'nimbus',
      });
    });

    it('contents inherit what happened to their container while inside it (missing, then recovered)', () => {
      for (const id of ['board-2', 'gpu-2-2', 'gpu-2-3', 'gpu-2-4']) {
        expect(queries.getAsset(id)).toMatchObject({ status: 'at-facility', rootId: 'server-2', flags: ['was-missing'], custodianId: 'nimbus' });
      }
      expect(queries.getAsset('gpu-2-1')?.flags).toEqual([]);
      expect(queries.getAsset('gpu-x')).toMatchObject({
        status: 'at-facility', facilityId: 'pl-depot', country: 'PL', custodianId: 'shadow', ownerId: 'formosa',
        flags: ['diverted', 'location-mismatch'],
      });
    });
  });

  describe('timeline', () => {
    const steps = (assetId: string) =>
      queries.history(assetId).entries.map((entry) => [entry.eventType, entry.viaAssetId]);

    it('shows a chip its containers\' events only while it is inside them', () => {
      expect(steps('gpu-1-1')).toEqual([
        ['AssetManufactured', null],
        ['AssetPackedInto', null],
        ['AssetsPacked', 'server-1'],
        ['AssetsPacked', 'rack-1'],
        ['AssetShipped', 'rack-1'],
        ['CustomsHeld', 'rack-1'],
        ['CustomsCleared', 'rack-1'],
        ['AssetReceived', 'rack-1'],
        ['OwnershipTransferred', null],
        ['AssetInstalled', 'rack-1'],
      ]);
      expect(steps('gpu-2-1')).toEqual([
        ['AssetManufactured', null],
        ['AssetPackedInto', null],
        ['AssetsPacked', 'server-2'],
        ['AssetsPacked', 'rack-1'],
        ['AssetShipped', 'rack-1'],
        ['CustomsHeld', 'rack-1'],
        ['CustomsCleared', 'rack-1'],
        ['AssetReceived', 'rack-1'],
        ['OwnershipTransferred', null],
        ['AssetsUnpacked', 'rack-1'],
        ['AssetUnpackedFrom', null],
        ['AssetDecommissioned', null],
        ['AssetDestroyed', null],
      ]);
      expect(steps('gpu-2-2').slice(-3)).toEqual([
        ['AssetsUnpacked', 'rack-1'], ['AssetReportedMissing', 'server-2'], ['AssetRecovered', 'server-2'],
      ]);
    });

    it('carries the event and the chip\'s effective state after it', () => {
      const shipped = queries.history('gpu-1-1').entries.find((entry) => entry.eventType === 'AssetShipped');
      expect(shipped).toMatchObject({
        position: encodePosition(scenario.steps.get('shipped')?.position as GlobalPosition),
        viaAssetId: 'rack-1', occurredAt: day(5), actor: 'formosa',
        data: { assetId: 'rack-1', exportLicence: 'BIS-L-1', crossBorder: true },
        snapshot: {
          status: 'in-transit', facilityId: null, country: null, ownerId: 'formosa', custodianId: 'skyfreight', parentId: 'board-1', rootId: 'rack-1',
        },
      });
      expect(shipped?.eventId).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('history as of a business time and as known at a ledger time', () => {
    it('answers where a chip was as of a business time', () => {
      expect(queries.history('gpu-1-1', { asOf: day(4, 18) }).state).toMatchObject({
        status: 'at-facility', facilityId: 'tw-assembly', country: 'TW', ownerId: 'formosa', custodianId: 'formosa', rootId: 'rack-1',
      });
      expect(queries.history('gpu-1-1', { asOf: day(6) }).state).toMatchObject({ status: 'in-transit', custodianId: 'skyfreight' });
      expect(queries.history('gpu-1-1', { asOf: day(9, 12) }).state).toMatchObject({
        status: 'at-facility', facilityId: 'dc-fra', ownerId: 'formosa', custodianId: 'nimbus',
      });
      expect(queries.history('gpu-1-1', { asOf: day(9, 14) }).state).toMatchObject({ ownerId: 'nimbus' });
      const asOf = queries.history('gpu-1-1', { asOf: day(6) });
      expect(asOf.entries.every((entry) => entry.occurredAt <= day(6))).toBe(true);
      expect(asOf.entries.at(-1)?.eventType).toBe('AssetShipped');
    });

    it('answers null, with no entries, before the asset existed', () => {
      expect(queries.history('gpu-1-1', { asOf: '2026-10-01T00:00:00Z' })).toEqual({ assetId: 'gpu-1-1', entries: [], state: null });
      expect(queries.history('gpu-1-1', { knownAt: '2026-10-01T00:00:00Z' }).state).toBeNull();
    });

    it('answers what the ledger knew at a ledger time', () => {
      const beforeReceipt = new Date(Date.parse(scenario.steps.get('received')?.recordedAt as string) - 1).toISOString();
      const known = queries.history('gpu-1-1', { knownAt: beforeReceipt });
      expect(known.state).toMatchObject({ status: 'in-transit', ownerId: 'formosa' });
      expect(known.entries.map((entry) => entry.eventType)).not.toContain('AssetReceived');
      expect(queries.history('gpu-1-1', { knownAt: scenario.steps.get('received')?.recordedAt }).state).toMatchObject({ status: 'at-facility' });
    });

    it('places a late report by when it occurred, and hides it from what was known before it was recorded', () => {
      // The attestation occurred on day 6 (after the diverted receipt) but was recorded last of all.
      const recordedLate = scenario.last.recordedAt;
      const asOfDay7 = queries.history('gpu-x', { asOf: day(7) });
      expect(asOfDay7.entries.map((entry) => entry.eventType)).toEqual([
        'AssetManufactured', 'AssetShipped', 'AssetReceived', 'LocationAttested',
      ]);
      expect(asOfDay7.state).toMatchObject({ status: 'at-facility', facilityId: 'pl-depot' });
      // Known before the report was recorded: business time says day 7, the ledger did not have the report yet.
      const before = new Date(Date.parse(recordedLate) - 1).toISOString();
      expect(queries.history('gpu-x', { asOf: day(7), knownAt: before }).entries.map((entry) => entry.eventType)).toEqual([
        'AssetManufactured', 'AssetShipped', 'AssetReceived',
      ]);
      // As of day 6 noon only the receipt had occurred: the late report (day 6, 15:00) is not the latest then.
      expect(queries.history('gpu-x', { asOf: day(6) }).entries.at(-1)?.eventType).toBe('AssetReceived');
    });

    it('refuses a bound that is not a time', () => {
      expect(() => queries.history('gpu-x', { asOf: 'last week' })).toThrow('asOf last week is not an ISO 8601 date-time');
    });
  });

  describe('facility inventory', () => {
    it('counts what is effectively at a facility, contents of containers included', () => {
      const inventory = queries.facilityInventory('dc-fra');
      expect(inventory).toMatchObject({
        facilityId: 'dc-fra',
        // rack-1, server-1, board-1, 4 chips (installed); server-2, board-2, 3 chips (at-facility); gpu-2-1, destroyed
        // there, is not on site any more
        total: 12,
        byStatus: { installed: 7, 'at-facility': 5 },
        byKind: { rack: 1, server: 2, board: 2, chip: 7 },
        compute: { chips: 7 },
      });
      // TPP per chip from the catalogue's dense figures: H100 SXM 1,979 FP8 × 8, MI300X 2,614.9 FP8 × 8.
      expect(inventory.compute.tpp).toBeCloseTo(4 * 15832 + 3 * 20919.2, 6);
      expect(inventory.compute.denseBf16Tflops).toBeCloseTo(4 * 989 + 3 * 1307.4, 6);
      expect(inventory.byStatus.destroyed).toBeUndefined();
      expect(inventory.byModel).toEqual([
        { kind: 'chip', model: 'nvidia-h100-sxm', count: 4 },
        { kind: 'chip', model: 'amd-mi300x', count: 3 },
        { kind: 'board', model: 'HGX baseboard', count: 2 },
        { kind: 'server', model: 'HGX server', count: 2 },
        { kind: 'rack', model: 'NVL rack', count: 1 },
      ]);
      expect(queries.facilityInventory('tw-assembly')).toMatchObject({ total: 0, byModel: [] });
      expect(queries.facilityInventory('pl-depot')).toMatchObject({ total: 1, byModel: [{ model: 'nvidia-h20', count: 1 }] });
    });

    it('agrees with the asset rows of what is not destroyed', () => {
      const all = queries.listAssets({ facilityId: 'dc-fra' }, { limit: 1000 }).items;
      expect(all.filter((asset) => asset.status !== 'destroyed')).toHaveLength(queries.facilityInventory('dc-fra').total);
      expect(all.filter((asset) => asset.status === 'destroyed').map((asset) => asset.assetId)).toEqual(['gpu-2-1']);
      const installed = queries.listAssets({ facilityId: 'dc-fra', status: 'installed' }, { limit: 1000 }).items.map((a) => a.assetId);
      expect(installed.sort()).toEqual(['board-1', 'rack-1', 'server-1', ...CHIPS_ON_BOARD_1].sort());
    });
  });

  describe('visibility', () => {
    it('lets every party that owned or held an asset see it, through its containers too', () => {
      expect(queries.canSee('formosa', 'gpu-1-1')).toBe(true); // maker, former owner and custodian
      expect(queries.canSee('nimbus', 'gpu-1-1')).toBe(true); // owner and custodian
      expect(queries.canSee('skyfreight', 'gpu-1-1')).toBe(true); // carried the rack it was in
      expect(queries.canSee('skyfreight', 'server-2')).toBe(true);
      expect(queries.canSee('stranger', 'gpu-1-1')).toBe(false);
      expect(queries.canSee('shadow', 'gpu-x')).toBe(true);
      expect(queries.canSee('shadow', 'gpu-1-1')).toBe(false);
    });

    it('lets a customs agency see what crossed its border, and an operator what was shipped to its facilities', () => {
      expect(readers.get('packed')).toEqual(['formosa']);
      // In transit from TW into DE, to a Frankfurt facility: the carrier, German customs and the operator there see it
      // (the chip too: it travels in the rack); French customs do not.
      expect(readers.get('shipped')).toEqual(['formosa', 'skyfreight', 'de-customs', 'nimbus']);
      expect(readers.get('done')).toEqual(['formosa', 'skyfreight', 'de-customs', 'nimbus']);
      // gpu-x was shipped into DE too, and held by no one: German customs and nimbus see it, and the diverting depot.
      for (const party of ['de-customs', 'nimbus', 'shadow']) expect([party, queries.canSee(party, 'gpu-x')]).toEqual([party, true]);
      expect(queries.canSee('fr-customs', 'gpu-x')).toBe(false);
    });

    it('lets the agency that held an asset see it wherever it goes, contents included', () => {
      for (const id of ['rack-1', 'server-2', 'board-2', 'gpu-2-1']) expect([id, queries.canSee('de-customs', id)]).toEqual([id, true]);
    });

    it('restricts lists to what the party can see', () => {
      const ids = (party: string, filter = {}) =>
        queries.listAssets({ ...filter, visibleTo: party }, { limit: 100 }).items.map((asset) => asset.assetId);
      expect(ids('stranger')).toEqual([]);
      expect(ids('shadow')).toEqual(['gpu-x']);
      expect(ids('skyfreight')).toHaveLength(14); // the rack and everything in it, and gpu-x
      expect(ids('de-customs')).toEqual(ids('skyfreight')); // all of it crossed into DE
      expect(ids('fr-customs')).toEqual([]);
      expect(ids('nimbus', { kind: 'chip' })).toEqual([...CHIPS_ON_BOARD_1, ...CHIPS_ON_BOARD_2, 'gpu-x'].sort());
      expect(ids('formosa', { ownerId: 'formosa' })).toEqual(['gpu-x']);
    });
  });

  describe('lists', () => {
    it('filter on effective values and page by asset id with an opaque, stable cursor', () => {
      const pages: string[][] = [];
      let after: string | undefined;
      do {
        const page = queries.listAssets({ kind: 'chip' }, { after, limit: 3 });
        pages.push(page.items.map((asset) => asset.assetId));
        after = page.nextCursor ?? undefined;
      } while (after);
      expect(pages.map((page) => page.length)).toEqual([3, 3, 3]);
      expect(pages.flat()).toEqual([...CHIPS_ON_BOARD_1, ...CHIPS_ON_BOARD_2, 'gpu-x'].sort());
      expect(queries.listAssets({ country: 'PL' }, { limit: 10 }).items.map((a) => a.assetId)).toEqual(['gpu-x']);
      expect(queries.listAssets({ custodianId: 'nimbus', containerId: 'board-1' }, { limit: 10 }).items.map((a) => a.assetId)).toEqual(CHIPS_ON_BOARD_1);
      expect(queries.listAssets({ model: 'HGX server', status: 'installed' }, { limit: 10 }).items.map((a) => a.assetId)).toEqual(['server-1']);
      expect(queries.listAssets({ ownerId: 'nobody' }, { limit: 10 })).toEqual({ items: [], nextCursor: null });
    });

    it('find assets by serial number, with manufacturer and model', () => {
      const ids = (filter: object) => queries.listAssets(filter, { limit: 10 }).items.map((a) => a.assetId);
      expect(ids({ serialNumber: 'SN-gpu-1-2' })).toEqual(['gpu-1-2']);
      expect(ids({ serialNumber: 'SN-gpu-1-2', manufacturerId: 'formosa', model: 'nvidia-h100-sxm' })).toEqual(['gpu-1-2']);
      expect(ids({ serialNumber: 'SN-gpu-1-2', manufacturerId: 'nimbus' })).toEqual([]);
      expect(ids({ serialNumber: 'SN-gpu-1-2', model: 'amd-mi300x' })).toEqual([]);
      expect(ids({ serialNumber: 'SN-gpu-1-2', visibleTo: 'shadow' })).toEqual([]);
    });

    it('refuses a cursor it did not hand out', () => {
      expect(() => queries.listAssets({}, { after: 'bm9wZQ', limit: 10 })).toThrow(InvalidCursor);
    });
  });

  describe('parties, facilities and keys', () => {
    it('answers parties, facilities and active keys', () => {
      expect(queries.getParty('nimbus')).toEqual({ partyId: 'nimbus', name: 'nimbus Ltd', roles: ['operator'], country: 'DE', activeKeyIds: ['key-nimbus'] });
      expect(queries.getFacility('dc-fra')).toEqual({ facilityId: 'dc-fra', name: 'dc-fra site', kind: 'datacenter', country: 'DE', operatorId: 'nimbus' });
      expect(queries.getParty('nobody')).toBeNull();
      expect(queries.getFacility('nowhere')).toBeNull();
      expect(queries.findActiveApiKey('hash-skyfreight')).toEqual({ keyId: 'key-skyfreight', partyId: 'skyfreight', roles: ['carrier'] });
      expect(queries.findActiveApiKey('hash-unknown')).toBeNull();
      expect(queries.adminExists()).toBe(false); // the admin party of the script was never registered
    });

    it('forgets a revoked key and knows when an admin has a key', async () => {
      const script = new LedgerScript(ledger.store, day(20));
      await script.party('root', ['admin'], 'US');
      const revoked = await script.as('admin', 'RevokeApiKey', { partyId: 'stranger', keyId: 'key-stranger' });
      expect(await runner.waitForPosition(revoked.position as GlobalPosition, 5000)).toBe(true);
      expect(queries.findActiveApiKey('hash-stranger')).toBeNull();
      expect(queries.getParty('stranger')?.activeKeyIds).toEqual([]);
      expect(queries.adminExists()).toBe(true);
    });
  });
});
