import type { AssetKind, AssetStatus } from './asset-kind';

export type Shipment = {
  readonly fromFacilityId: string;
  readonly toFacilityId: string;
  readonly carrierId: string;
  readonly originCountry: string;
  readonly destinationCountry: string;
  readonly crossBorder: boolean;
  readonly exportLicence: string | null;
  /** Declared transshipment countries, in order; empty when none were declared. */
  readonly transitCountries: readonly string[];
};
export type CustomsHold = { readonly agencyId: string; readonly country: string; readonly reason: string };
export type Installation = { readonly cluster: string; readonly rack: string | null; readonly slot: string | null };

export type Asset = {
  readonly exists: true;
  readonly assetId: string;
  readonly kind: AssetKind;
  readonly model: string;
  readonly serialNumber: string | null;
  readonly manufacturerId: string;
  readonly status: AssetStatus;
  readonly ownerId: string;
  /** Who physically holds it. While packed this is frozen: the outermost container's custodian holds it. */
  readonly custodianId: string;
  /** Own facility; null in transit or missing. While packed this is frozen, as above. */
  readonly facilityId: string | null;
  readonly parentId: string | null;
  readonly childIds: readonly string[];
  readonly shipment: Shipment | null;
  readonly customsHold: CustomsHold | null;
  readonly installation: Installation | null;
  /** Set when it arrived somewhere other than declared or was attested somewhere unexpected; cleared by nothing. */
  readonly flags: readonly AssetFlag[];
  /**
   * Business time (canonical ISO) of its registration and of its latest state-changing event; null when folded
   * without business times (`evolveAsset` rather than `evolveAssetAt`). See `ASSET_EVENT_EFFECTS`.
   */
  readonly registeredAt: string | null;
  readonly changedAt: string | null;
};

export type AssetFlag = 'diverted' | 'location-mismatch' | 'was-missing';

export type AssetState = { readonly exists: false } | Asset;

export const initialAssetState = (): AssetState => ({ exists: false });
