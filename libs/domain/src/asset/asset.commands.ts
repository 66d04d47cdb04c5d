import type { Command } from '../core/command';
import type { AssetKind } from './asset-kind';

export type ManufactureAsset = Command<'ManufactureAsset', {
  assetId: string; kind: AssetKind; model: string; serialNumber?: string; facilityId: string;
}>;
export type PackAssets = Command<'PackAssets', { parentId: string; childIds: readonly string[] }>;
export type UnpackAssets = Command<'UnpackAssets', { parentId: string; childIds: readonly string[] }>;
export type ShipAsset = Command<'ShipAsset', {
  assetId: string; toFacilityId: string; carrierId: string; exportLicence?: string; shipmentRef?: string;
  transitCountries?: readonly string[];
}>;
export type ReceiveAsset = Command<'ReceiveAsset', { assetId: string; facilityId: string }>;
/** The hold's country is the agency's jurisdiction; `country`, if given, must name it (older clients sent it). */
export type HoldAtCustoms = Command<'HoldAtCustoms', { assetId: string; country?: string; reason: string }>;
export type ClearCustoms = Command<'ClearCustoms', { assetId: string; releaseRef?: string }>;
/** With `includeContents` (the default), what the seller owns inside a container is sold with it. */
export type TransferOwnership = Command<'TransferOwnership', {
  assetId: string; toOwnerId: string; contractRef?: string; includeContents?: boolean;
}>;
export type InstallAsset = Command<'InstallAsset', { assetId: string; cluster: string; rack?: string; slot?: string }>;
export type UninstallAsset = Command<'UninstallAsset', { assetId: string }>;
export type ReportAssetMissing = Command<'ReportAssetMissing', { assetId: string; circumstances: string }>;
export type RecoverAsset = Command<'RecoverAsset', { assetId: string; facilityId: string }>;
export type DecommissionAsset = Command<'DecommissionAsset', { assetId: string; reason: string }>;
export type DestroyAsset = Command<'DestroyAsset', { assetId: string; certificateRef: string; method?: string }>;
export type AttestLocation = Command<'AttestLocation', { assetId: string; observedFacilityId: string; method: string }>;

export type AssetCommand =
  | ManufactureAsset | PackAssets | UnpackAssets | ShipAsset | ReceiveAsset | HoldAtCustoms | ClearCustoms
  | TransferOwnership | InstallAsset | UninstallAsset | ReportAssetMissing | RecoverAsset
  | DecommissionAsset | DestroyAsset | AttestLocation;

/** The asset whose stream the command is addressed to (the container, for packing). */
export const targetAssetId = (command: AssetCommand): string =>
  command.type === 'PackAssets' || command.type === 'UnpackAssets' ? command.data.parentId : command.data.assetId;

/**
 * Whether the command's events change the state of the contents of the container it targets (where they are, who
 * holds them, their status or customs hold): such a command is a change of each of them too, in business time.
 */
export const MOVES_CONTENTS = {
  ManufactureAsset: false, PackAssets: false, UnpackAssets: false, ShipAsset: true, ReceiveAsset: true,
  HoldAtCustoms: true, ClearCustoms: true, TransferOwnership: false, InstallAsset: true, UninstallAsset: true,
  ReportAssetMissing: true, RecoverAsset: true, DecommissionAsset: true, DestroyAsset: true, AttestLocation: false,
} as const satisfies Record<AssetCommand['type'], boolean>;
