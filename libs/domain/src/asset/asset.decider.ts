import type { Actor } from '../core/actor';
import { hasRole } from '../core/actor';
import { InvalidReference, NotPermitted, OccurredInFuture } from '../core/common.errors';
import type { StreamEvents } from '../core/event';
import { assetStream } from '../core/stream-names';
import type { Facility } from '../facility/facility';
import type { Party } from '../party/party';
import { isContainerKind } from './asset-kind';
import type * as C from './asset.commands';
import { MOVES_CONTENTS } from './asset.commands';
import {
  AlreadyPacked, AssetAlreadyExists, AssetIsPacked, AssetNotFound, ContainerNotEmpty, CustomsHoldActive,
  FacilityMismatch, InvalidTransition, NestingTooDeep, NotAContainer, NotHeldByCustoms, NotPackedIn,
  OccurredBeforeLatestChange, OutsideJurisdiction, PackingCycle,
} from './asset.errors';
import type { AssetEvent, OwnershipTransferred } from './asset.events';
import { isObservation } from './asset.events';
import type { AssetScope } from './asset.scope';
import { MAX_NESTING, outermost } from './asset.scope';
import type { Asset, AssetState } from './asset.state';
import { requireValidShipmentDeclarations } from './shipment-declarations';

/** Reported business time may be late, never ahead of the ledger clock by more than this skew. */
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

type Decision = StreamEvents<AssetEvent>[];

const on = (assetId: string, ...events: AssetEvent[]): StreamEvents<AssetEvent> => ({ streamName: assetStream(assetId), events });

const existing = (scope: AssetScope, assetId: string): Asset => {
  if (!scope.asset.exists) throw new AssetNotFound(assetId);
  return scope.asset;
};

const referenced = (scope: AssetScope, assetId: string, field: string): Asset => {
  const asset = scope.assets.get(assetId);
  if (!asset?.exists) throw new InvalidReference(field, assetId, 'no such asset');
  return asset;
};

const facility = (scope: AssetScope, facilityId: string, field: string): Facility => {
  const found = scope.facilities.get(facilityId);
  if (!found?.exists) throw new InvalidReference(field, facilityId, 'no such facility');
  return found;
};

const party = (scope: AssetScope, partyId: string, field: string): Party => {
  const found = scope.parties.get(partyId);
  if (!found?.exists) throw new InvalidReference(field, partyId, 'no such party');
  return found;
};

const requireCustodian = (actor: Actor, holder: Asset): void => {
  if (holder.custodianId !== actor.partyId) {
    throw new NotPermitted(actor.partyId, `only the custodian of ${holder.assetId} (${holder.custodianId}) may do this`);
  }
};

const requireRole = (actor: Actor, role: Parameters<typeof hasRole>[1], why: string): void => {
  if (!hasRole(actor, role)) throw new NotPermitted(actor.partyId, why);
};

const requireUnpacked = (asset: Asset, command: string): void => {
  if (asset.parentId !== null) throw new AssetIsPacked(asset.assetId, asset.parentId, command);
};

const requireStatus = (asset: Asset, command: string, ...allowed: Asset['status'][]): void => {
  if (!allowed.includes(asset.status)) throw new InvalidTransition(asset.assetId, asset.status, command);
};

// Order of checks: existence (404), then what the asset's state allows (409), then who asks (403). A command the
// state refuses is refused to everyone alike, so a retry after someone else's success reads as a conflict.

/** Statuses in which an asset physically sits at its facility. */
const AT_A_FACILITY: Asset['status'][] = ['at-facility', 'installed', 'decommissioned'];

const manufacture = ({ data, metadata: { actor } }: C.ManufactureAsset, scope: AssetScope): Decision => {
  requireRole(actor, 'manufacturer', 'only a manufacturer registers assets');
  if (scope.asset.exists) throw new AssetAlreadyExists(data.assetId);
  const site = facility(scope, data.facilityId, 'facilityId');
  if (site.operatorId !== actor.partyId) {
    throw new NotPermitted(actor.partyId, `a manufacturer registers assets at its own facilities, not ${site.facilityId}`);
  }
  const { assetId, kind, model, facilityId } = data;
  return [on(assetId, {
    type: 'AssetManufactured',
    data: { assetId, kind, model, serialNumber: data.serialNumber ?? null, manufacturerId: actor.partyId, facilityId },
  })];
};

const pack = ({ data, metadata: { actor } }: C.PackAssets, scope: AssetScope): Decision => {
  const parent = existing(scope, data.parentId);
  const holder = outermost(parent, scope.ancestors);
  requireCustodian(actor, holder);
  if (!isContainerKind(parent.kind)) throw new NotAContainer(parent.assetId);
  requireStatus(holder, 'PackAssets', 'at-facility', 'installed');
  requireStatus(parent, 'PackAssets', 'at-facility', 'installed');
  const here = holder.facilityId as string;
  // The loader stops at MAX_NESTING ancestors: with a chain that long, `around` may miss the real outermost container.
  if (scope.ancestors.length >= MAX_NESTING) throw new NestingTooDeep(parent.assetId, MAX_NESTING);
  const around = new Set([parent.assetId, ...scope.ancestors.map((a) => a.assetId)]);
  const newToParent: string[] = [];
  // A child named twice would be written twice and listed twice in the container.
  const childEvents = [...new Set(data.childIds)].flatMap((childId) => {
    const child = referenced(scope, childId, 'childIds');
    if (around.has(childId)) throw new PackingCycle(childId, parent.assetId);
    const listed = parent.childIds.includes(childId);
    // Both sides already recorded: a retried command that completed. Listed on one side only: finish the write.
    if (child.parentId === parent.assetId) {
      if (!listed) newToParent.push(childId);
      return [];
    }
    if (child.parentId !== null) throw new AlreadyPacked(childId, child.parentId);
    requireStatus(child, 'PackAssets', 'at-facility');
    if (child.facilityId !== here) throw new FacilityMismatch(childId, child.facilityId, here);
    requireCustodian(actor, child);
    if (!listed) newToParent.push(childId);
    return [on(childId, { type: 'AssetPackedInto', data: { assetId: childId, parentId: parent.assetId } })];
  });
  const parentEvents: Decision = newToParent.length
    ? [on(parent.assetId, { type: 'AssetsPacked', data: { parentId: parent.assetId, childIds: newToParent, facilityId: here } })]
    : [];
  return [...parentEvents, ...childEvents];
};

const unpack = ({ data, metadata: { actor } }: C.UnpackAssets, scope: AssetScope): Decision => {
  const parent = existing(scope, data.parentId);
  const holder = outermost(parent, scope.ancestors);
  requireCustodian(actor, holder);
  requireStatus(holder, 'UnpackAssets', ...AT_A_FACILITY);
  const here = holder.facilityId as string;
  // As with packing, a side already recorded by an earlier, interrupted attempt is not written again.
  const leaving = [...new Set(data.childIds)].map((childId) => {
    const child = referenced(scope, childId, 'childIds');
    const listed = parent.childIds.includes(childId);
    const inside = child.parentId === parent.assetId;
    if (!listed && !inside) throw new NotPackedIn(childId, parent.assetId);
    return { childId, listed, inside };
  });
  const fromParent = leaving.filter((c) => c.listed).map((c) => c.childId);
  const parentEvents: Decision = fromParent.length
    ? [on(parent.assetId, { type: 'AssetsUnpacked', data: { parentId: parent.assetId, childIds: fromParent, facilityId: here } })]
    : [];
  return [
    ...parentEvents,
    ...leaving.filter((c) => c.inside).map(({ childId }) => on(childId, {
      type: 'AssetUnpackedFrom', data: { assetId: childId, parentId: parent.assetId, facilityId: here, custodianId: holder.custodianId },
    })),
  ];
};

const ship = ({ data, metadata: { actor } }: C.ShipAsset, scope: AssetScope): Decision => {
  const asset = existing(scope, data.assetId);
  requireUnpacked(asset, 'ship');
  requireStatus(asset, 'ShipAsset', 'at-facility');
  requireCustodian(actor, asset);
  const origin = facility(scope, asset.facilityId as string, 'facilityId');
  const destination = facility(scope, data.toFacilityId, 'toFacilityId');
  if (destination.facilityId === origin.facilityId) {
    throw new InvalidReference('toFacilityId', data.toFacilityId, 'the asset is already there');
  }
  const carrier = party(scope, data.carrierId, 'carrierId');
  if (!carrier.roles.includes('carrier')) throw new InvalidReference('carrierId', data.carrierId, 'the party is not a carrier');
  requireValidShipmentDeclarations(data, origin.country, destination.country);
  const transitCountries = data.transitCountries ?? [];
  return [on(asset.assetId, {
    type: 'AssetShipped',
    data: {
      assetId: asset.assetId, fromFacilityId: origin.facilityId, toFacilityId: destination.facilityId,
      carrierId: carrier.partyId, originCountry: origin.country, destinationCountry: destination.country,
      crossBorder: origin.country !== destination.country,
      exportLicence: data.exportLicence ?? null, shipmentRef: data.shipmentRef ?? null,
      ...(transitCountries.length ? { transitCountries } : {}),
    },
  })];
};

const receive = ({ data, metadata: { actor } }: C.ReceiveAsset, scope: AssetScope): Decision => {
  const asset = existing(scope, data.assetId);
  requireUnpacked(asset, 'receive');
  const site = facility(scope, data.facilityId, 'facilityId');
  if (site.operatorId !== actor.partyId) {
    throw new NotPermitted(actor.partyId, `only the operator of ${site.facilityId} (${site.operatorId}) receives there`);
  }
  requireStatus(asset, 'ReceiveAsset', 'in-transit');
  if (asset.customsHold) throw new CustomsHoldActive(asset.assetId, asset.customsHold.agencyId);
  const expectedFacilityId = asset.shipment?.toFacilityId as string;
  return [on(asset.assetId, {
    type: 'AssetReceived',
    data: {
      assetId: asset.assetId, facilityId: site.facilityId, country: site.country, receivedBy: actor.partyId,
      expectedFacilityId, diverted: expectedFacilityId !== site.facilityId,
    },
  })];
};

const holdAtCustoms = ({ data, metadata: { actor } }: C.HoldAtCustoms, scope: AssetScope): Decision => {
  const asset = existing(scope, data.assetId);
  requireRole(actor, 'customs', 'only a customs agency holds assets');
  requireUnpacked(asset, 'hold');
  requireStatus(asset, 'HoldAtCustoms', 'in-transit');
  if (asset.customsHold) throw new CustomsHoldActive(asset.assetId, asset.customsHold.agencyId);
  const jurisdiction = party(scope, actor.partyId, 'agencyId').country;
  const shipment = asset.shipment;
  const crosses = shipment !== null && shipment.crossBorder &&
    (shipment.originCountry === jurisdiction || shipment.destinationCountry === jurisdiction);
  if (!crosses) {
    throw new OutsideJurisdiction(actor.partyId, jurisdiction, asset.assetId, shipment?.originCountry ?? null, shipment?.destinationCountry ?? null);
  }
  if (data.country !== undefined && data.country !== jurisdiction) {
    throw new InvalidReference('country', data.country, `a hold is in the agency's jurisdiction, ${jurisdiction}`);
  }
  return [on(asset.assetId, {
    type: 'CustomsHeld', data: { assetId: asset.assetId, agencyId: actor.partyId, country: jurisdiction, reason: data.reason },
  })];
};

const clearCustoms = ({ data, metadata: { actor } }: C.ClearCustoms, scope: AssetScope): Decision => {
  const asset = existing(scope, data.assetId);
  requireRole(actor, 'customs', 'only a customs agency clears assets');
  requireUnpacked(asset, 'clear');
  requireStatus(asset, 'ClearCustoms', 'in-transit');
  const hold = asset.customsHold;
  if (!hold) throw new NotHeldByCustoms(asset.assetId);
  if (hold.agencyId !== actor.partyId) {
    throw new NotPermitted(actor.partyId, `only the holding agency (${hold.agencyId}) releases its hold`);
  }
  return [on(asset.assetId, {
    type: 'CustomsCleared',
    data: { assetId: asset.assetId, agencyId: actor.partyId, country: hold.country, releaseRef: data.releaseRef ?? null },
  })];
};

/** Everything below `root` in the loaded scope, depth first. */
const contentsOf = (root: Asset, scope: AssetScope): Asset[] =>
  root.childIds.flatMap((childId) => {
    const child = scope.assets.get(childId);
    return child?.exists ? [child, ...contentsOf(child, scope)] : [];
  });

const transferOwnership = ({ data, metadata: { actor } }: C.TransferOwnership, scope: AssetScope): Decision => {
  const asset = existing(scope, data.assetId);
  if (asset.ownerId !== actor.partyId) {
    throw new NotPermitted(actor.partyId, `only the owner of ${asset.assetId} (${asset.ownerId}) transfers it`);
  }
  requireStatus(asset, 'TransferOwnership', 'at-facility', 'in-transit', 'installed', 'missing', 'decommissioned');
  const buyer = party(scope, data.toOwnerId, 'toOwnerId');
  if (buyer.partyId === asset.ownerId) throw new InvalidReference('toOwnerId', data.toOwnerId, 'already the owner');
  const transfer = (item: Asset, viaContainerId: string | null): OwnershipTransferred => ({
    type: 'OwnershipTransferred',
    data: { assetId: item.assetId, fromOwnerId: item.ownerId, toOwnerId: buyer.partyId, viaContainerId, contractRef: data.contractRef ?? null },
  });
  // Contents owned by someone else (leased parts) are not the seller's to sell.
  const contents = data.includeContents === false ? [] :
    contentsOf(asset, scope).filter((item) => item.ownerId === asset.ownerId && item.status !== 'destroyed');
  return [on(asset.assetId, transfer(asset, null)), ...contents.map((item) => on(item.assetId, transfer(item, asset.assetId)))];
};

const install = ({ data, metadata: { actor } }: C.InstallAsset, scope: AssetScope): Decision => {
  const asset = existing(scope, data.assetId);
  requireUnpacked(asset, 'install');
  requireStatus(asset, 'InstallAsset', 'at-facility');
  requireCustodian(actor, asset);
  const site = facility(scope, asset.facilityId as string, 'facilityId');
  if (site.kind !== 'datacenter') throw new InvalidReference('facilityId', site.facilityId, 'assets are installed only in a datacenter');
  return [on(asset.assetId, {
    type: 'AssetInstalled',
    data: { assetId: asset.assetId, facilityId: site.facilityId, cluster: data.cluster, rack: data.rack ?? null, slot: data.slot ?? null },
  })];
};

const uninstall = ({ data, metadata: { actor } }: C.UninstallAsset, scope: AssetScope): Decision => {
  const asset = existing(scope, data.assetId);
  requireUnpacked(asset, 'uninstall');
  requireStatus(asset, 'UninstallAsset', 'installed');
  requireCustodian(actor, asset);
  return [on(asset.assetId, { type: 'AssetUninstalled', data: { assetId: asset.assetId, facilityId: asset.facilityId as string } })];
};

const reportMissing = ({ data, metadata: { actor } }: C.ReportAssetMissing, scope: AssetScope): Decision => {
  const asset = existing(scope, data.assetId);
  const mayReport = asset.custodianId === actor.partyId || asset.ownerId === actor.partyId || hasRole(actor, 'investigator');
  if (!mayReport) throw new NotPermitted(actor.partyId, 'only the custodian, the owner or an investigator reports an asset missing');
  requireUnpacked(asset, 'report missing');
  requireStatus(asset, 'ReportAssetMissing', 'at-facility', 'in-transit', 'installed', 'decommissioned');
  // Otherwise a carrier could report a held shipment lost and have it "recovered" past the border, hold and all.
  if (asset.customsHold && !hasRole(actor, 'investigator')) throw new CustomsHoldActive(asset.assetId, asset.customsHold.agencyId);
  const lastKnownFacilityId = asset.facilityId ?? asset.shipment?.fromFacilityId ?? null;
  return [on(asset.assetId, {
    type: 'AssetReportedMissing', data: { assetId: asset.assetId, reportedBy: actor.partyId, lastKnownFacilityId, circumstances: data.circumstances },
  })];
};

const recover = ({ data, metadata: { actor } }: C.RecoverAsset, scope: AssetScope): Decision => {
  const asset = existing(scope, data.assetId);
  const site = facility(scope, data.facilityId, 'facilityId');
  if (site.operatorId !== actor.partyId && !hasRole(actor, 'investigator')) {
    throw new NotPermitted(actor.partyId, `only the operator of ${site.facilityId} or an investigator records a recovery there`);
  }
  requireStatus(asset, 'RecoverAsset', 'missing');
  return [on(asset.assetId, {
    type: 'AssetRecovered', data: { assetId: asset.assetId, facilityId: site.facilityId, custodianId: site.operatorId },
  })];
};

const decommission = ({ data, metadata: { actor } }: C.DecommissionAsset, scope: AssetScope): Decision => {
  const asset = existing(scope, data.assetId);
  requireUnpacked(asset, 'decommission');
  requireStatus(asset, 'DecommissionAsset', 'at-facility', 'installed');
  requireCustodian(actor, asset);
  return [on(asset.assetId, {
    type: 'AssetDecommissioned', data: { assetId: asset.assetId, facilityId: asset.facilityId as string, reason: data.reason },
  })];
};

const destroy = ({ data, metadata: { actor } }: C.DestroyAsset, scope: AssetScope): Decision => {
  const asset = existing(scope, data.assetId);
  requireUnpacked(asset, 'destroy');
  requireStatus(asset, 'DestroyAsset', 'decommissioned');
  requireCustodian(actor, asset);
  // A certificate covers what it names: destroying a full container would leave its contents unaccounted for.
  if (asset.childIds.length) throw new ContainerNotEmpty(asset.assetId, asset.childIds);
  return [on(asset.assetId, {
    type: 'AssetDestroyed',
    data: { assetId: asset.assetId, facilityId: asset.facilityId as string, certificateRef: data.certificateRef, method: data.method ?? null },
  })];
};

const attestLocation = ({ data, metadata: { actor } }: C.AttestLocation, scope: AssetScope): Decision => {
  const asset = existing(scope, data.assetId);
  const site = facility(scope, data.observedFacilityId, 'observedFacilityId');
  const holder = outermost(asset, scope.ancestors);
  const mayAttest = hasRole(actor, 'customs', 'investigator') || site.operatorId === actor.partyId || holder.custodianId === actor.partyId;
  if (!mayAttest) throw new NotPermitted(actor.partyId, 'only customs, an investigator, the custodian or the facility operator attests a location');
  requireStatus(asset, 'AttestLocation', 'at-facility', 'in-transit', 'installed', 'missing', 'decommissioned');
  const expectedFacilityId = AT_A_FACILITY.includes(holder.status) ? holder.facilityId : null;
  return [on(asset.assetId, {
    type: 'LocationAttested',
    data: {
      assetId: asset.assetId, attestedBy: actor.partyId, method: data.method, observedFacilityId: site.facilityId,
      expectedFacilityId, matches: expectedFacilityId === site.facilityId,
    },
  })];
};

/**
 * Business time runs forward for every asset. A change of an asset may not be dated before its latest change, and
 * the moves of the containers it is in are its changes too: so nothing a command changes (the streams it writes, the
 * containers around its target, the contents its target carries along) may have changed later in business time.
 * An observation only may be dated before later changes (not before the asset was registered). Folding an asset's
 * changes in log order is then folding them in business-time order, and a late observation never rewrites the past.
 */
const requireBusinessTimeOrder = (command: C.AssetCommand, scope: AssetScope, decision: Decision): void => {
  const written = decision.filter((s) => s.events.length);
  if (!written.length) return;
  const occurredAt = new Date(Date.parse(command.metadata.occurredAt)).toISOString();
  const notBefore = (asset: Asset, limit: string | null): void => {
    if (limit !== null && occurredAt < limit) throw new OccurredBeforeLatestChange(asset.assetId, occurredAt, limit);
  };
  const byStream = new Map<string, Asset>();
  const know = (state: AssetState | undefined): void => {
    if (state?.exists) byStream.set(assetStream(state.assetId), state);
  };
  know(scope.asset);
  scope.ancestors.forEach(know);
  scope.assets.forEach(know);
  const observationsOnly = written.every((s) => s.events.every((event) => isObservation(event.type)));
  for (const { streamName } of written) {
    const asset = byStream.get(streamName);
    if (asset) notBefore(asset, observationsOnly ? asset.registeredAt : asset.changedAt);
  }
  if (observationsOnly) return;
  for (const container of scope.ancestors) notBefore(container, container.changedAt);
  // Loaded for such a command (scopeRequest); contents sold along are among the streams written.
  if (MOVES_CONTENTS[command.type] && scope.asset.exists) {
    for (const item of contentsOf(scope.asset, scope)) notBefore(item, item.changedAt);
  }
};

const decideFor = (command: C.AssetCommand, scope: AssetScope): Decision => {
  switch (command.type) {
    case 'ManufactureAsset': return manufacture(command, scope);
    case 'PackAssets': return pack(command, scope);
    case 'UnpackAssets': return unpack(command, scope);
    case 'ShipAsset': return ship(command, scope);
    case 'ReceiveAsset': return receive(command, scope);
    case 'HoldAtCustoms': return holdAtCustoms(command, scope);
    case 'ClearCustoms': return clearCustoms(command, scope);
    case 'TransferOwnership': return transferOwnership(command, scope);
    case 'InstallAsset': return install(command, scope);
    case 'UninstallAsset': return uninstall(command, scope);
    case 'ReportAssetMissing': return reportMissing(command, scope);
    case 'RecoverAsset': return recover(command, scope);
    case 'DecommissionAsset': return decommission(command, scope);
    case 'DestroyAsset': return destroy(command, scope);
    case 'AttestLocation': return attestLocation(command, scope);
  }
};

/**
 * Every custody rule lives here. Pure: the scope carries every state consulted, the metadata carries time and actor.
 * Returns events per stream, container first; an empty decision means the command had already taken effect.
 */
export const decideAsset = (command: C.AssetCommand, scope: AssetScope): Decision => {
  const { occurredAt, now } = command.metadata;
  if (Number.isNaN(Date.parse(occurredAt))) throw new InvalidReference('occurredAt', occurredAt, 'not a date');
  if (Date.parse(occurredAt) - Date.parse(now) > MAX_CLOCK_SKEW_MS) throw new OccurredInFuture(occurredAt, now);
  const decision = decideFor(command, scope);
  requireBusinessTimeOrder(command, scope, decision);
  return decision;
};
