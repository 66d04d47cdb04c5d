import type { GlobalPosition } from '@chip-ledger/event-store';
import type { LedgerQueries } from './ledger-queries';
import type { ProjectionRunner } from './projection-runner';
import type { Written } from './testing/ledger-script';
import { LedgerScript, day } from './testing/ledger-script';
import { TempLedger } from './testing/read-side-fixture';

/**
 * A chip shipped on day 2 and received on day 4; an inspection that saw it in transit on day 3 is reported after the
 * receipt was recorded. The late report is placed at its business time and changes no answer about any time.
 */
describe('history in business time, with an observation reported late', () => {
  let ledger: TempLedger;
  let runner: ProjectionRunner;
  let queries: LedgerQueries;
  let beforeLateReport: string;
  let lateReport: Written;
  const probes = [day(1, 13), day(2, 11), day(2, 13), day(3, 11), day(3, 13), day(4, 11), day(4, 13), day(5)];

  const caughtUp = async (written: Written) => expect(await runner.waitForPosition(written.position as GlobalPosition, 5000)).toBe(true);

  beforeAll(async () => {
    ledger = new TempLedger();
    ({ runner, queries } = ledger.readSide());
    const script = new LedgerScript(ledger.store, day(10));
    await script.party('maker', ['manufacturer'], 'TW');
    await script.party('carrier', ['carrier'], 'NL');
    await script.party('dc-op', ['operator'], 'DE');
    await script.party('inspector', ['investigator'], 'CH');
    await script.facility('fab', 'maker', 'TW', 'fab');
    await script.facility('dc', 'dc-op', 'DE', 'datacenter');
    await script.as('maker', 'ManufactureAsset', { assetId: 'gpu', kind: 'chip', model: 'nvidia-h100-sxm', facilityId: 'fab' }, { occurredAt: day(1) });
    await script.as('maker', 'ShipAsset', { assetId: 'gpu', toFacilityId: 'dc', carrierId: 'carrier' }, { occurredAt: day(2) });
    const receipt = await script.as('dc-op', 'ReceiveAsset', { assetId: 'gpu', facilityId: 'dc' }, { occurredAt: day(4) });
    await caughtUp(receipt);
    beforeLateReport = receipt.recordedAt;
    lateReport = await script.as('inspector', 'AttestLocation', { assetId: 'gpu', observedFacilityId: 'dc', method: 'inspection' }, { occurredAt: day(3) });
    await caughtUp(lateReport);
  });

  afterAll(() => ledger.cleanUp());

  it('places the late observation at its business time, with the state it observed', () => {
    const { entries, state } = queries.history('gpu');
    expect(entries.map((entry) => [entry.eventType, entry.occurredAt, entry.snapshot.status])).toEqual([
      ['AssetManufactured', day(1), 'at-facility'],
      ['AssetShipped', day(2), 'in-transit'],
      ['LocationAttested', day(3), 'in-transit'],
      ['AssetReceived', day(4), 'at-facility'],
    ]);
    expect(state).toMatchObject({ status: 'at-facility', facilityId: 'dc', custodianId: 'dc-op' });
  });

  it('answers asOf just after the late observation with the state then, not the state when it was recorded', () =>
    expect(queries.history('gpu', { asOf: day(3, 13) }).state).toMatchObject({ status: 'in-transit', facilityId: null, custodianId: 'carrier' }));

  it('neither rewinds nor advances the answer for any time', () => {
    for (const asOf of probes) {
      const withReport = queries.history('gpu', { asOf }).state;
      const withoutReport = queries.history('gpu', { asOf, knownAt: beforeLateReport }).state;
      expect({ asOf, state: withReport }).toEqual({ asOf, state: withoutReport });
    }
  });

  it('does not show the observation to a knownAt before it was recorded', () => {
    const known = queries.history('gpu', { knownAt: beforeLateReport });
    expect(known.entries.map((entry) => entry.eventType)).toEqual(['AssetManufactured', 'AssetShipped', 'AssetReceived']);
    expect(queries.history('gpu', { knownAt: lateReport.recordedAt }).entries.map((entry) => entry.eventType)).toContain('LocationAttested');
  });

});
