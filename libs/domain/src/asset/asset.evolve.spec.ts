import type { AssetEvent } from './asset.events';
import { evolveAsset, evolveAssetAt } from './asset.evolve';
import type { AssetState } from './asset.state';
import { initialAssetState } from './asset.state';
import {
  CARRIER, CUSTOMS, DATACENTER, DATACENTER_NL, DC_OPERATOR, DC_OPERATOR_NL, FAB, H100, INVESTIGATOR, MAKER, cleared,
  decommissioned, destroyed, held, installed, manufactured, packed, packedInto, received, recovered, reportedMissing, shipped,
  transferred, unpacked, unpackedFrom,
} from '../testing';

const fold = (...events: AssetEvent[]): AssetState => events.reduce(evolveAsset, initialAssetState());
const C = 'gpu-1';
const B = 'board-1';
const attested = (observed: string, expected: string | null): AssetEvent => ({
  type: 'LocationAttested',
  data: { assetId: C, attestedBy: 'bis', method: 'inspection', observedFacilityId: observed, expectedFacilityId: expected, matches: observed === expected },
});

describe('evolveAsset', () => {
  it('starts a manufactured asset at its facility, owned and held by its maker', () =>
    expect(fold(manufactured(C))).toEqual({
      exists: true, assetId: C, kind: 'chip', model: H100, serialNumber: null, manufacturerId: MAKER.id, status: 'at-facility',
      ownerId: MAKER.id, custodianId: MAKER.id, facilityId: FAB.id, parentId: null, childIds: [],
      shipment: null, customsHold: null, installation: null, flags: [], registeredAt: null, changedAt: null,
    }));

  it('ignores events on a stream that was never manufactured', () =>
    expect(fold(shipped(C, FAB, DATACENTER), received(C, DATACENTER))).toEqual({ exists: false }));

  it('lists packed children on the container and removes only the unpacked ones', () =>
    expect(fold(manufactured(B, 'board'), packed(B, ['a', 'b']), packed(B, ['c']), unpacked(B, ['a', 'c']))).toMatchObject({ childIds: ['b'] }));

  it('freezes a packed asset\'s own location and custodian while it travels inside its container', () =>
    expect(fold(manufactured(C), packedInto(C, B))).toMatchObject({
      parentId: B, status: 'at-facility', facilityId: FAB.id, custodianId: MAKER.id,
    }));

  it('restores its own location and custodian when it is unpacked elsewhere', () =>
    expect(fold(manufactured(C), packedInto(C, B), unpackedFrom(C, B, DATACENTER, DC_OPERATOR))).toMatchObject({
      parentId: null, status: 'at-facility', facilityId: DATACENTER.id, custodianId: DC_OPERATOR.id, ownerId: MAKER.id,
    }));

  it('puts a shipped asset in the carrier\'s hands, at no facility', () =>
    expect(fold(manufactured(C), shipped(C, FAB, DATACENTER))).toMatchObject({
      status: 'in-transit', facilityId: null, custodianId: CARRIER.id,
      shipment: { fromFacilityId: FAB.id, toFacilityId: DATACENTER.id, carrierId: CARRIER.id, crossBorder: true },
    }));

  it('keeps the declared licence and transit countries on the shipment', () => {
    const declared = shipped(C, FAB, DATACENTER, CARRIER, { exportLicence: 'D123456' });
    expect(fold(manufactured(C), { ...declared, data: { ...declared.data, transitCountries: ['SG', 'NL'] } })).toMatchObject({
      shipment: { exportLicence: 'D123456', transitCountries: ['SG', 'NL'] },
    });
  });

  it('reads a shipped event stored before transit countries existed as a shipment without transit', () => {
    const stored = JSON.parse(`{"type":"AssetShipped","data":{"assetId":"${C}","fromFacilityId":"${FAB.id}","toFacilityId":"${DATACENTER.id}",
      "carrierId":"${CARRIER.id}","originCountry":"TW","destinationCountry":"US","crossBorder":true,"exportLicence":"BIS-L-1","shipmentRef":null}}`);
    expect(fold(manufactured(C), stored)).toMatchObject({
      status: 'in-transit', shipment: { destinationCountry: 'US', exportLicence: 'BIS-L-1', transitCountries: [] },
    });
  });

  it('records and releases a customs hold', () => {
    const heldState = fold(manufactured(C), shipped(C, FAB, DATACENTER), held(C, CUSTOMS, 'US', 'licence check'));
    expect(heldState).toMatchObject({ customsHold: { agencyId: CUSTOMS.id, country: 'US', reason: 'licence check' } });
    expect(evolveAsset(heldState, cleared(C))).toMatchObject({ status: 'in-transit', customsHold: null });
  });

  it('clears the shipment and any hold on receipt, and the receiver holds it', () =>
    expect(fold(manufactured(C), shipped(C, FAB, DATACENTER), held(C), received(C, DATACENTER))).toMatchObject({
      status: 'at-facility', facilityId: DATACENTER.id, custodianId: DC_OPERATOR.id, shipment: null, customsHold: null, flags: [],
    }));

  it('flags a diversion once, however often it happens', () =>
    expect(fold(
      manufactured(C), shipped(C, FAB, DATACENTER), received(C, DATACENTER_NL, DATACENTER),
      shipped(C, DATACENTER_NL, DATACENTER), received(C, FAB, DATACENTER),
    )).toMatchObject({ facilityId: FAB.id, custodianId: MAKER.id, flags: ['diverted'] }));

  it('changes the owner, not the custodian, on a sale', () =>
    expect(fold(manufactured(C), shipped(C, FAB, DATACENTER), transferred(C, MAKER, DC_OPERATOR))).toMatchObject({
      ownerId: DC_OPERATOR.id, custodianId: CARRIER.id,
    }));

  it('records and clears an installation', () => {
    const inService = fold(manufactured(C), shipped(C, FAB, DATACENTER), received(C, DATACENTER), installed(C, DATACENTER, 'pod-b'));
    expect(inService).toMatchObject({ status: 'installed', installation: { cluster: 'pod-b', rack: null, slot: null } });
    expect(evolveAsset(inService, { type: 'AssetUninstalled', data: { assetId: C, facilityId: DATACENTER.id } }))
      .toMatchObject({ status: 'at-facility', installation: null, facilityId: DATACENTER.id });
  });

  it('forgets where a missing asset was, remembers that it went missing, and places it where recovered', () => {
    const lost = fold(manufactured(C), shipped(C, FAB, DATACENTER), held(C), reportedMissing(C, INVESTIGATOR, FAB));
    expect(lost).toMatchObject({ status: 'missing', facilityId: null, shipment: null, customsHold: null, installation: null, flags: ['was-missing'] });
    expect(evolveAsset(lost, recovered(C, DATACENTER_NL))).toMatchObject({
      status: 'at-facility', facilityId: DATACENTER_NL.id, custodianId: DC_OPERATOR_NL.id, flags: ['was-missing'],
    });
  });

  it('ends an installation on decommissioning, and destruction is the last status', () => {
    const retired = fold(manufactured(C), shipped(C, FAB, DATACENTER), received(C, DATACENTER), installed(C), decommissioned(C));
    expect(retired).toMatchObject({ status: 'decommissioned', installation: null, facilityId: DATACENTER.id });
    expect(evolveAsset(retired, destroyed(C))).toMatchObject({ status: 'destroyed', facilityId: DATACENTER.id });
  });

  it('flags an attested mismatch once and leaves a confirmed location untouched', () => {
    const made = fold(manufactured(C));
    expect(evolveAsset(made, attested(FAB.id, FAB.id))).toBe(made);
    const seen = [attested(DATACENTER.id, FAB.id), attested(DATACENTER_NL.id, FAB.id)].reduce(evolveAsset, made);
    expect(seen).toMatchObject({ facilityId: FAB.id, flags: ['location-mismatch'] });
  });
});

describe('evolveAssetAt', () => {
  const foldAt = (...timed: [AssetEvent, string][]): AssetState =>
    timed.reduce((state, [event, occurredAt]) => evolveAssetAt(state, event, occurredAt), initialAssetState());

  it('keeps the business times of the registration and of the latest change, in canonical form', () =>
    expect(foldAt([manufactured(C), '2025-01-01T10:00:00+02:00'], [shipped(C, FAB, DATACENTER), '2025-01-02T00:00:00Z']))
      .toMatchObject({ registeredAt: '2025-01-01T08:00:00.000Z', changedAt: '2025-01-02T00:00:00.000Z' }));

  it('leaves the latest change where it was for an observation, late or not', () =>
    expect(foldAt([manufactured(C), '2025-01-01T00:00:00Z'], [shipped(C, FAB, DATACENTER), '2025-01-03T00:00:00Z'],
      [attested(DATACENTER.id, null), '2025-01-04T00:00:00Z'], [attested(FAB.id, null), '2025-01-02T00:00:00Z']))
      .toMatchObject({ registeredAt: '2025-01-01T00:00:00.000Z', changedAt: '2025-01-03T00:00:00.000Z' }));

  it('keeps the greatest change time when an older history holds changes out of order', () =>
    expect(foldAt([manufactured(C), '2025-01-05T00:00:00Z'], [shipped(C, FAB, DATACENTER), '2025-01-03T00:00:00Z']))
      .toMatchObject({ changedAt: '2025-01-05T00:00:00.000Z' }));

  it('agrees with evolveAsset on everything else', () => {
    const events = [manufactured(C), shipped(C, FAB, DATACENTER), received(C, DATACENTER), installed(C)];
    const timed = foldAt(...events.map((e, i): [AssetEvent, string] => [e, `2025-01-0${i + 1}T00:00:00Z`]));
    expect({ ...timed, registeredAt: null, changedAt: null }).toEqual(fold(...events));
  });
});
