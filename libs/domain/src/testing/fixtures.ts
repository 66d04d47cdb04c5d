import type { Actor, Role } from '../core/actor';
import type { CommandMetadata } from '../core/command';
import type { StreamEvents } from '../core/event';
import { assetStream, facilityStream, partyStream } from '../core/stream-names';
import type { AssetKind, AssetStatus } from '../asset/asset-kind';
import { ASSET_STATUSES } from '../asset/asset-kind';
import type {
  AssetDecommissioned, AssetDestroyed, AssetEvent, AssetInstalled, AssetManufactured, AssetPackedInto, AssetReceived,
  AssetRecovered, AssetReportedMissing, AssetShipped, AssetsPacked, AssetUnpackedFrom, AssetsUnpacked, CustomsCleared,
  CustomsHeld, OwnershipTransferred,
} from '../asset/asset.events';
import type { FacilityKind } from '../facility/facility';
import type { CommandData, CommandOf, LedgerCommandType } from '../ledger/ledger-command';
import { ledgerCommand } from '../ledger/ledger-command';
import type { LedgerEvent } from '../ledger/ledger.decider';

/** An event of a history with the business time it was recorded with (see `dated`). */
export type DatedEvent = { readonly event: LedgerEvent; readonly occurredAt: string };
/** Events per stream name: a history to start a test from, or what a decision writes. */
export type Streams = Readonly<Record<string, readonly (LedgerEvent | DatedEvent)[]>>;

/** The history's events, recorded as having occurred at `occurredAt` (undated events carry no business time). */
export const dated = (occurredAt: string, ...histories: Streams[]): Streams => {
  const result: Record<string, (LedgerEvent | DatedEvent)[]> = {};
  for (const history of histories) {
    for (const [name, events] of Object.entries(history)) {
      result[name] = [...(result[name] ?? []), ...events.map((e) => ('event' in e && 'occurredAt' in e ? e : { event: e, occurredAt }))];
    }
  }
  return result;
};

export type PartyFixture = {
  readonly id: string; readonly name: string; readonly roles: readonly Role[]; readonly country: string; readonly actor: Actor;
};
export type FacilityFixture = {
  readonly id: string; readonly name: string; readonly kind: FacilityKind; readonly country: string; readonly operator: PartyFixture;
};

const party = (id: string, name: string, country: string, ...roles: Role[]): PartyFixture =>
  ({ id, name, roles, country, actor: { partyId: id, roles } });

export const ADMIN = party('admin', 'Ledger administrator', 'CH', 'admin');
export const MAKER = party('tsmc', 'Taiwan Semiconductor', 'TW', 'manufacturer');
export const ASSEMBLER = party('foxconn', 'Foxconn Mexico', 'MX', 'manufacturer');
export const CARRIER = party('maersk', 'Maersk Logistics', 'DK', 'carrier');
export const DISTRIBUTOR = party('arrow', 'Arrow Electronics', 'US', 'operator', 'carrier');
export const CUSTOMS = party('us-cbp', 'US Customs and Border Protection', 'US', 'customs');
export const CUSTOMS_NL = party('nl-douane', 'Douane Nederland', 'NL', 'customs');
export const DC_OPERATOR = party('coreweave', 'CoreWeave', 'US', 'operator');
export const DC_OPERATOR_NL = party('nebius', 'Nebius', 'NL', 'operator');
export const INVESTIGATOR = party('bis', 'Bureau of Industry and Security', 'US', 'investigator');
export const PARTIES: readonly PartyFixture[] = [
  ADMIN, MAKER, ASSEMBLER, CARRIER, DISTRIBUTOR, CUSTOMS, CUSTOMS_NL, DC_OPERATOR, DC_OPERATOR_NL, INVESTIGATOR,
];

const facility = (id: string, name: string, kind: FacilityKind, country: string, operator: PartyFixture): FacilityFixture =>
  ({ id, name, kind, country, operator });

export const FAB = facility('fab-hsinchu', 'Hsinchu fab 18', 'fab', 'TW', MAKER);
export const ASSEMBLY = facility('assembly-gdl', 'Guadalajara server assembly', 'assembly', 'MX', ASSEMBLER);
export const WAREHOUSE = facility('warehouse-fremont', 'Fremont warehouse', 'warehouse', 'US', DISTRIBUTOR);
export const DATACENTER = facility('dc-ashburn', 'Ashburn DC', 'datacenter', 'US', DC_OPERATOR);
export const DATACENTER_NL = facility('dc-amsterdam', 'Amsterdam DC', 'datacenter', 'NL', DC_OPERATOR_NL);
export const FACILITIES: readonly FacilityFixture[] = [FAB, ASSEMBLY, WAREHOUSE, DATACENTER, DATACENTER_NL];

/** Ids that resolve to nothing. */
export const NOBODY = 'nobody';
export const NOWHERE = 'fab-nowhere';
export const NO_ASSET = 'ghost-0';
export const H100 = 'nvidia-h100-sxm';

/** Every party and facility above, registered. */
export const REGISTRY: Streams = Object.fromEntries([
  ...PARTIES.map(({ id, name, roles, country }) =>
    [partyStream(id), [{ type: 'PartyRegistered', data: { partyId: id, name, roles, country } }]] as const),
  ...FACILITIES.map(({ id, name, kind, country, operator }) =>
    [facilityStream(id), [{ type: 'FacilityRegistered', data: { facilityId: id, name, kind, country, operatorId: operator.id } }]] as const),
]);

export const NOW = '2025-06-01T12:00:00.000Z';
export const at = (iso: string, offsetMs: number): string => new Date(Date.parse(iso) + offsetMs).toISOString();

let commandCount = 0;
export const metadata = (by: PartyFixture | Actor, overrides: Partial<CommandMetadata> = {}): CommandMetadata => ({
  now: NOW, occurredAt: NOW, commandId: `cmd-${++commandCount}`, actor: 'actor' in by ? by.actor : by, ...overrides,
});

/** `command('ShipAsset', { ... }, MAKER)`: a command with fresh metadata on behalf of a party. */
export const command = <T extends LedgerCommandType>(
  type: T, data: CommandData<T>, by: PartyFixture | Actor, overrides: Partial<CommandMetadata> = {},
): CommandOf<T> => ledgerCommand(type, data, metadata(by, overrides));

export const assetHistory = (assetId: string, ...events: AssetEvent[]): Streams => ({ [assetStream(assetId)]: events });
export const on = (assetId: string, ...events: AssetEvent[]): StreamEvents<AssetEvent> => ({ streamName: assetStream(assetId), events });

export const manufactured = (
  assetId: string, kind: AssetKind = 'chip', site: FacilityFixture = FAB, model = kind === 'chip' ? H100 : `${kind}-v1`,
): AssetManufactured => ({
  type: 'AssetManufactured',
  data: { assetId, kind, model, serialNumber: null, manufacturerId: site.operator.id, facilityId: site.id },
});
export const packed = (parentId: string, childIds: readonly string[], site: FacilityFixture = FAB): AssetsPacked =>
  ({ type: 'AssetsPacked', data: { parentId, childIds, facilityId: site.id } });
export const packedInto = (assetId: string, parentId: string): AssetPackedInto =>
  ({ type: 'AssetPackedInto', data: { assetId, parentId } });
export const unpacked = (parentId: string, childIds: readonly string[], site: FacilityFixture = FAB): AssetsUnpacked =>
  ({ type: 'AssetsUnpacked', data: { parentId, childIds, facilityId: site.id } });
export const unpackedFrom = (assetId: string, parentId: string, site: FacilityFixture = FAB, custodian = site.operator): AssetUnpackedFrom =>
  ({ type: 'AssetUnpackedFrom', data: { assetId, parentId, facilityId: site.id, custodianId: custodian.id } });
export const shipped = (
  assetId: string, from: FacilityFixture, to: FacilityFixture, carrier: PartyFixture = CARRIER,
  refs: { exportLicence?: string; shipmentRef?: string } = {},
): AssetShipped => ({
  type: 'AssetShipped',
  data: {
    assetId, fromFacilityId: from.id, toFacilityId: to.id, carrierId: carrier.id, originCountry: from.country,
    destinationCountry: to.country, crossBorder: from.country !== to.country,
    exportLicence: refs.exportLicence ?? null, shipmentRef: refs.shipmentRef ?? null,
  },
});
export const received = (assetId: string, site: FacilityFixture, expected: FacilityFixture = site): AssetReceived => ({
  type: 'AssetReceived',
  data: {
    assetId, facilityId: site.id, country: site.country, receivedBy: site.operator.id, expectedFacilityId: expected.id,
    diverted: expected.id !== site.id,
  },
});
export const held = (assetId: string, agency: PartyFixture = CUSTOMS, country = agency.country, reason = 'licence check'): CustomsHeld =>
  ({ type: 'CustomsHeld', data: { assetId, agencyId: agency.id, country, reason } });
export const cleared = (assetId: string, agency: PartyFixture = CUSTOMS, country = agency.country): CustomsCleared =>
  ({ type: 'CustomsCleared', data: { assetId, agencyId: agency.id, country, releaseRef: null } });
export const transferred = (assetId: string, from: PartyFixture, to: PartyFixture, viaContainerId: string | null = null): OwnershipTransferred =>
  ({ type: 'OwnershipTransferred', data: { assetId, fromOwnerId: from.id, toOwnerId: to.id, viaContainerId, contractRef: null } });
export const installed = (assetId: string, site: FacilityFixture = DATACENTER, cluster = 'pod-a'): AssetInstalled =>
  ({ type: 'AssetInstalled', data: { assetId, facilityId: site.id, cluster, rack: null, slot: null } });
export const reportedMissing = (assetId: string, by: PartyFixture, lastKnown: FacilityFixture | null): AssetReportedMissing => ({
  type: 'AssetReportedMissing',
  data: { assetId, reportedBy: by.id, lastKnownFacilityId: lastKnown?.id ?? null, circumstances: 'not found at stock-take' },
});
export const recovered = (assetId: string, site: FacilityFixture): AssetRecovered =>
  ({ type: 'AssetRecovered', data: { assetId, facilityId: site.id, custodianId: site.operator.id } });
export const decommissioned = (assetId: string, site: FacilityFixture = DATACENTER): AssetDecommissioned =>
  ({ type: 'AssetDecommissioned', data: { assetId, facilityId: site.id, reason: 'end of life' } });
export const destroyed = (assetId: string, site: FacilityFixture = DATACENTER): AssetDestroyed =>
  ({ type: 'AssetDestroyed', data: { assetId, facilityId: site.id, certificateRef: 'cert-1', method: null } });

/**
 * One realistic history per status, for tables over statuses. Made at the fab (owner and first custodian: the maker);
 * from in-transit on it travels to the Ashburn datacenter, whose operator holds it afterwards.
 */
export const historyIn = (status: AssetStatus, assetId: string, kind: AssetKind = 'chip'): AssetEvent[] => {
  const made = manufactured(assetId, kind);
  const arrived = [made, shipped(assetId, FAB, DATACENTER), received(assetId, DATACENTER)];
  switch (status) {
    case 'at-facility': return [made];
    case 'in-transit': return arrived.slice(0, 2);
    case 'installed': return [...arrived, installed(assetId)];
    case 'missing': return [...arrived, reportedMissing(assetId, DC_OPERATOR, DATACENTER)];
    case 'decommissioned': return [...arrived, decommissioned(assetId)];
    case 'destroyed': return [...arrived, decommissioned(assetId), destroyed(assetId)];
  }
};

/** Who holds an asset built by `historyIn(status)`. */
export const custodianIn = (status: AssetStatus): PartyFixture =>
  status === 'at-facility' ? MAKER : status === 'in-transit' ? CARRIER : DC_OPERATOR;

export const assetIn = (status: AssetStatus, assetId: string, kind: AssetKind = 'chip'): Streams =>
  assetHistory(assetId, ...historyIn(status, assetId, kind));

export const except = (...statuses: AssetStatus[]): AssetStatus[] =>
  ASSET_STATUSES.filter((status) => !statuses.includes(status));

/** Both sides of a packing, to append after the assets' own histories. */
export const packing = (parentId: string, childIds: readonly string[], site: FacilityFixture = FAB): Streams => ({
  [assetStream(parentId)]: [packed(parentId, childIds, site)],
  ...Object.fromEntries(childIds.map((childId) => [assetStream(childId), [packedInto(childId, parentId)]])),
});

/** An asset made at the fab and delivered to the Ashburn datacenter, held there by its operator. */
export const deliveredTo = (assetId: string, site: FacilityFixture = DATACENTER, kind: AssetKind = 'chip'): Streams =>
  assetHistory(assetId, manufactured(assetId, kind), shipped(assetId, FAB, site), received(assetId, site));
