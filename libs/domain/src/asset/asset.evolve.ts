import type { AssetEvent } from './asset.events';
import { isObservation } from './asset.events';
import type { Asset, AssetFlag, AssetState } from './asset.state';

const flagged = (asset: Asset, flag: AssetFlag): readonly AssetFlag[] =>
  asset.flags.includes(flag) ? asset.flags : [...asset.flags, flag];

export const evolveAsset = (state: AssetState, event: AssetEvent): AssetState => {
  if (event.type === 'AssetManufactured') {
    const { assetId, kind, model, serialNumber, manufacturerId, facilityId } = event.data;
    return {
      exists: true, assetId, kind, model, serialNumber, manufacturerId, status: 'at-facility',
      ownerId: manufacturerId, custodianId: manufacturerId, facilityId, parentId: null, childIds: [],
      shipment: null, customsHold: null, installation: null, flags: [], registeredAt: null, changedAt: null,
    };
  }
  if (!state.exists) return state;
  const asset = state;
  switch (event.type) {
    case 'AssetsPacked':
      return { ...asset, childIds: [...asset.childIds, ...event.data.childIds] };
    case 'AssetsUnpacked': {
      const removed = new Set(event.data.childIds);
      return { ...asset, childIds: asset.childIds.filter((id) => !removed.has(id)) };
    }
    case 'AssetPackedInto':
      return { ...asset, parentId: event.data.parentId };
    case 'AssetUnpackedFrom':
      return { ...asset, parentId: null, facilityId: event.data.facilityId, custodianId: event.data.custodianId };
    case 'AssetShipped': {
      const { fromFacilityId, toFacilityId, carrierId, originCountry, destinationCountry, crossBorder } = event.data;
      const exportLicence = event.data.exportLicence ?? null;
      const transitCountries = event.data.transitCountries ?? [];
      return {
        ...asset, status: 'in-transit', facilityId: null, custodianId: carrierId,
        shipment: { fromFacilityId, toFacilityId, carrierId, originCountry, destinationCountry, crossBorder, exportLicence, transitCountries },
      };
    }
    case 'AssetReceived': {
      const { facilityId, receivedBy, diverted } = event.data;
      return {
        ...asset, status: 'at-facility', facilityId, custodianId: receivedBy, shipment: null, customsHold: null,
        flags: diverted ? flagged(asset, 'diverted') : asset.flags,
      };
    }
    case 'CustomsHeld': {
      const { agencyId, country, reason } = event.data;
      return { ...asset, customsHold: { agencyId, country, reason } };
    }
    case 'CustomsCleared':
      return { ...asset, customsHold: null };
    case 'OwnershipTransferred':
      return { ...asset, ownerId: event.data.toOwnerId };
    case 'AssetInstalled': {
      const { cluster, rack, slot } = event.data;
      return { ...asset, status: 'installed', installation: { cluster, rack, slot } };
    }
    case 'AssetUninstalled':
      return { ...asset, status: 'at-facility', installation: null };
    case 'AssetReportedMissing':
      return {
        ...asset, status: 'missing', facilityId: null, shipment: null, customsHold: null, installation: null,
        flags: flagged(asset, 'was-missing'),
      };
    case 'AssetRecovered':
      return { ...asset, status: 'at-facility', facilityId: event.data.facilityId, custodianId: event.data.custodianId };
    case 'AssetDecommissioned':
      return { ...asset, status: 'decommissioned', installation: null };
    case 'AssetDestroyed':
      return { ...asset, status: 'destroyed' };
    case 'LocationAttested':
      return event.data.matches ? asset : { ...asset, flags: flagged(asset, 'location-mismatch') };
    case 'ClaimReleased':
      // The released claims are left out of the fold by whoever reads the stream (they carry the command's id).
      return asset;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};

/**
 * `evolveAsset`, also keeping the business times the decider orders changes by (`registeredAt`, `changedAt`).
 * `occurredAt` is the event's business time as recorded in its envelope; without it, this is `evolveAsset`. The latest
 * is the greatest: histories recorded before the ordering rule may hold changes out of order.
 */
export const evolveAssetAt = (state: AssetState, event: AssetEvent, occurredAt?: string): AssetState => {
  const next = evolveAsset(state, event);
  if (!next.exists || occurredAt === undefined) return next;
  const ms = Date.parse(occurredAt);
  if (Number.isNaN(ms)) return next;
  const at = new Date(ms).toISOString();
  const registeredAt = next.registeredAt ?? at;
  if (isObservation(event.type)) return registeredAt === next.registeredAt ? next : { ...next, registeredAt };
  const changedAt = next.changedAt !== null && next.changedAt > at ? next.changedAt : at;
  return { ...next, registeredAt, changedAt };
};
