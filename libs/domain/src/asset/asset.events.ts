import type { Event } from '../core/event';
import type { AssetKind } from './asset-kind';

export type AssetManufactured = Event<'AssetManufactured', {
  assetId: string; kind: AssetKind; model: string; serialNumber: string | null; manufacturerId: string; facilityId: string;
}>;
/** On the container's stream. */
export type AssetsPacked = Event<'AssetsPacked', { parentId: string; childIds: readonly string[]; facilityId: string }>;
export type AssetsUnpacked = Event<'AssetsUnpacked', { parentId: string; childIds: readonly string[]; facilityId: string }>;
/** On each child's stream, so the child's own decisions know where it is. */
export type AssetPackedInto = Event<'AssetPackedInto', { assetId: string; parentId: string }>;
/** Records where the child is when it comes out: its own location was frozen while it was packed. */
export type AssetUnpackedFrom = Event<'AssetUnpackedFrom', {
  assetId: string; parentId: string; facilityId: string; custodianId: string;
}>;
export type AssetShipped = Event<'AssetShipped', {
  assetId: string; fromFacilityId: string; toFacilityId: string; carrierId: string;
  originCountry: string; destinationCountry: string; crossBorder: boolean;
  exportLicence: string | null; shipmentRef: string | null;
  /** Declared transshipment countries, in order; absent when none were declared (and in events recorded before). */
  transitCountries?: readonly string[];
}>;
export type AssetReceived = Event<'AssetReceived', {
  assetId: string; facilityId: string; country: string; receivedBy: string; expectedFacilityId: string; diverted: boolean;
}>;
export type CustomsHeld = Event<'CustomsHeld', { assetId: string; agencyId: string; country: string; reason: string }>;
export type CustomsCleared = Event<'CustomsCleared', { assetId: string; agencyId: string; country: string; releaseRef: string | null }>;
/** `viaContainerId` is set when the transfer came with the sale of a container holding this asset. */
export type OwnershipTransferred = Event<'OwnershipTransferred', {
  assetId: string; fromOwnerId: string; toOwnerId: string; viaContainerId: string | null; contractRef: string | null;
}>;
export type AssetInstalled = Event<'AssetInstalled', {
  assetId: string; facilityId: string; cluster: string; rack: string | null; slot: string | null;
}>;
export type AssetUninstalled = Event<'AssetUninstalled', { assetId: string; facilityId: string }>;
export type AssetReportedMissing = Event<'AssetReportedMissing', {
  assetId: string; reportedBy: string; lastKnownFacilityId: string | null; circumstances: string;
}>;
export type AssetRecovered = Event<'AssetRecovered', { assetId: string; facilityId: string; custodianId: string }>;
export type AssetDecommissioned = Event<'AssetDecommissioned', { assetId: string; facilityId: string; reason: string }>;
export type AssetDestroyed = Event<'AssetDestroyed', {
  assetId: string; facilityId: string; certificateRef: string; method: string | null;
}>;
export type LocationAttested = Event<'LocationAttested', {
  assetId: string; attestedBy: string; method: string; observedFacilityId: string;
  expectedFacilityId: string | null; matches: boolean;
}>;

/**
 * Undoes the claims (the events on streams other than its target) of a multi-stream command whose commit, the event on
 * its target stream, can no longer be written. `commandId` names the command; a reader folds the asset's stream
 * without that command's claims (docs/adr/0001-multi-stream-commands.md).
 */
export type ClaimReleased = Event<'ClaimReleased', { assetId: string; commandId: string }>;

export type AssetEvent =
  | AssetManufactured | AssetsPacked | AssetsUnpacked | AssetPackedInto | AssetUnpackedFrom
  | AssetShipped | AssetReceived | CustomsHeld | CustomsCleared | OwnershipTransferred
  | AssetInstalled | AssetUninstalled | AssetReportedMissing | AssetRecovered
  | AssetDecommissioned | AssetDestroyed | LocationAttested | ClaimReleased;

/**
 * What an event does to its asset in business time. A `change` alters its state (where it is, who holds or owns it,
 * what it is in or holds, its status, a customs hold): changes of an asset, and the moves of any container it is in,
 * are recorded in business-time order, so folding them in log order and in business-time order agree. An
 * `observation` alters nothing but flags (a location attestation): it may be reported late and is placed at its
 * business time, before changes recorded earlier.
 */
export const ASSET_EVENT_EFFECTS = {
  AssetManufactured: 'change', AssetsPacked: 'change', AssetsUnpacked: 'change', AssetPackedInto: 'change',
  AssetUnpackedFrom: 'change', AssetShipped: 'change', AssetReceived: 'change', CustomsHeld: 'change',
  CustomsCleared: 'change', OwnershipTransferred: 'change', AssetInstalled: 'change', AssetUninstalled: 'change',
  AssetReportedMissing: 'change', AssetRecovered: 'change', AssetDecommissioned: 'change', AssetDestroyed: 'change',
  LocationAttested: 'observation', ClaimReleased: 'observation',
} as const satisfies Record<AssetEvent['type'], 'change' | 'observation'>;

export const isObservation = (type: string): boolean =>
  (ASSET_EVENT_EFFECTS as Readonly<Record<string, string>>)[type] === 'observation';
