import type { FacilityState } from '../facility/facility';
import type { PartyState } from '../party/party';
import type { AssetCommand } from './asset.commands';
import type { Asset, AssetState } from './asset.state';

/**
 * What a decision about one asset may look at: the asset, the containers around it (innermost first), the other
 * assets the command names or carries along, and the facilities and parties it refers to. Loaded by the caller.
 */
export type AssetScope = {
  readonly asset: AssetState;
  readonly ancestors: readonly Asset[];
  readonly assets: ReadonlyMap<string, AssetState>;
  readonly facilities: ReadonlyMap<string, FacilityState>;
  readonly parties: ReadonlyMap<string, PartyState>;
};

/** What to load beyond the target and its ancestors, once those are known. */
export type ScopeRequest = {
  readonly assetIds: readonly string[];
  readonly descendants: boolean;
  readonly facilityIds: readonly string[];
  readonly partyIds: readonly string[];
};

/** Where an asset really is: a packed asset is wherever its outermost container is, held by whoever holds that. */
export const outermost = (asset: Asset, ancestors: readonly Asset[]): Asset => ancestors.at(-1) ?? asset;

export const scopeRequest = (command: AssetCommand, asset: AssetState, ancestors: readonly Asset[]): ScopeRequest => {
  const here = asset.exists ? outermost(asset, ancestors).facilityId : null;
  const ownFacility = here ? [here] : [];
  const none: ScopeRequest = { assetIds: [], descendants: false, facilityIds: [], partyIds: [] };
  switch (command.type) {
    case 'ManufactureAsset':
      return { ...none, facilityIds: [command.data.facilityId] };
    case 'PackAssets':
    case 'UnpackAssets':
      return { ...none, assetIds: command.data.childIds };
    case 'ShipAsset':
      return { ...none, facilityIds: [...ownFacility, command.data.toFacilityId], partyIds: [command.data.carrierId] };
    case 'ReceiveAsset':
    case 'RecoverAsset':
      return { ...none, facilityIds: [command.data.facilityId] };
    case 'TransferOwnership':
      return { ...none, descendants: command.data.includeContents !== false, partyIds: [command.data.toOwnerId] };
    case 'InstallAsset':
      return { ...none, facilityIds: ownFacility };
    case 'AttestLocation':
      return { ...none, facilityIds: [command.data.observedFacilityId] };
    case 'HoldAtCustoms':
    case 'ClearCustoms':
    case 'UninstallAsset':
    case 'ReportAssetMissing':
    case 'DecommissionAsset':
    case 'DestroyAsset':
      return none;
  }
};
