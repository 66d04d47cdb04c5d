import type { FacilityState } from '../facility/facility';
import type { PartyState } from '../party/party';
import type { AssetCommand } from './asset.commands';
import { MOVES_CONTENTS, targetAssetId } from './asset.commands';
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
type ScopeRequest = {
  readonly assetIds: readonly string[];
  readonly descendants: boolean;
  readonly facilityIds: readonly string[];
  readonly partyIds: readonly string[];
};

/** Where an asset really is: a packed asset is wherever its outermost container is, held by whoever holds that. */
export const outermost = (asset: Asset, ancestors: readonly Asset[]): Asset => ancestors.at(-1) ?? asset;

/**
 * A command that moves a container's contents also needs them (at any depth): it must not be dated before their
 * latest change (the decider's business-time rule). Only containers with contents pay for it.
 */
const scopeRequest = (command: AssetCommand, asset: AssetState, ancestors: readonly Asset[]): ScopeRequest => {
  const request = ownScopeRequest(command, asset, ancestors);
  const movesContents = MOVES_CONTENTS[command.type] && asset.exists && asset.childIds.length > 0;
  return movesContents && !request.descendants ? { ...request, descendants: true } : request;
};

const ownScopeRequest = (command: AssetCommand, asset: AssetState, ancestors: readonly Asset[]): ScopeRequest => {
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
      // The agency's jurisdiction is its party country.
      return { ...none, partyIds: [command.metadata.actor.partyId] };
    case 'ClearCustoms':
    case 'UninstallAsset':
    case 'ReportAssetMissing':
    case 'DecommissionAsset':
    case 'DestroyAsset':
      return none;
  }
};

export type ScopeLoaders = {
  readonly asset: (assetId: string) => Promise<AssetState>;
  readonly facility: (facilityId: string) => Promise<FacilityState>;
  readonly party: (partyId: string) => Promise<PartyState>;
};

/** Packing refuses cycles, so a chain longer than this means corrupt data rather than a deep rack. */
export const MAX_NESTING = 32;

const ancestorsOf = async (asset: AssetState, load: ScopeLoaders['asset']): Promise<Asset[]> => {
  const chain: Asset[] = [];
  let parentId = asset.exists ? asset.parentId : null;
  while (parentId !== null && chain.length < MAX_NESTING) {
    const parent = await load(parentId);
    if (!parent.exists) break;
    chain.push(parent);
    parentId = parent.parentId;
  }
  return chain;
};

/**
 * Gathers the states a decision about `command` consults, through loaders the caller supplies (a store, or a map
 * in tests). Loads the target first, then what `scopeRequest` asks for given the target.
 */
export const loadAssetScope = async (command: AssetCommand, load: ScopeLoaders): Promise<AssetScope> => {
  const asset = await load.asset(targetAssetId(command));
  const ancestors = await ancestorsOf(asset, load.asset);
  const request = scopeRequest(command, asset, ancestors);
  const assets = new Map<string, AssetState>();
  const visit = async (assetId: string, withContents: boolean): Promise<void> => {
    if (assets.has(assetId)) return;
    const state = await load.asset(assetId);
    assets.set(assetId, state);
    if (withContents && state.exists) for (const childId of state.childIds) await visit(childId, true);
  };
  for (const assetId of request.assetIds) await visit(assetId, false);
  if (request.descendants && asset.exists) for (const childId of asset.childIds) await visit(childId, true);
  const facilities = new Map(await Promise.all(request.facilityIds.map(async (id) => [id, await load.facility(id)] as const)));
  const parties = new Map(await Promise.all(request.partyIds.map(async (id) => [id, await load.party(id)] as const)));
  return { asset, ancestors, assets, facilities, parties };
};
