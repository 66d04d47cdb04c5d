import type { AssetEvent } from '@chip-ledger/domain';

/**
 * Whether a container's event decides where its contents are: such events appear on the contents' timelines. A
 * container's ownership transfer does not (contents sold along have their own), nor does its own packing into another
 * (the outer container's `AssetsPacked` entry, right after it, carries the new state); packing and unpacking of units
 * reach the units' contents (see AssetGraph and the timeline read model).
 */
export const FOLLOWED_BY_CONTENTS = {
  AssetManufactured: false, AssetsPacked: false, AssetsUnpacked: false, AssetPackedInto: false, AssetUnpackedFrom: false,
  AssetShipped: true, AssetReceived: true, CustomsHeld: true, CustomsCleared: true, OwnershipTransferred: false,
  AssetInstalled: true, AssetUninstalled: true, AssetReportedMissing: true, AssetRecovered: true,
  AssetDecommissioned: true, AssetDestroyed: true, LocationAttested: true, ClaimReleased: false,
} as const satisfies Record<AssetEvent['type'], boolean>;

export const followedByContents = (type: string): boolean => (FOLLOWED_BY_CONTENTS as Readonly<Record<string, boolean>>)[type] === true;
