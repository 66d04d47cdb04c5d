import type { Asset, AssetFlag, AssetStatus, CustomsHold, Installation, Shipment } from '@chip-ledger/domain';
import type { EffectiveSnapshot } from '../../asset-graph/asset-changes';

/**
 * An asset as the world sees it. A packed asset is wherever its outermost container (`rootId`) is: status,
 * facilityId, country, custodianId, shipment, customsHold and installation come from that container.
 * `ownStatus` is the asset's own status (frozen while packed). Positions are encoded (`encodePosition`).
 */
export type AssetView = Pick<Asset, 'assetId' | 'kind' | 'model' | 'serialNumber' | 'manufacturerId'> & EffectiveSnapshot & {
  readonly ownStatus: AssetStatus;
  /** Sticky: acquired by the asset's own events or by its containers' while it was inside them. */
  readonly flags: readonly AssetFlag[];
  readonly customsHold: CustomsHold | null;
  readonly shipment: Shipment | null;
  readonly installation: Installation | null;
  /** The last event on the asset's own stream. */
  readonly lastEventType: string;
  readonly lastOccurredAt: string;
  readonly lastRecordedAt: string;
  readonly lastPosition: string;
  /** Revision of the asset's own stream. */
  readonly revision: number;
};

/** `getAsset` adds the direct contents. */
export type AssetDetail = AssetView & { readonly childIds: readonly string[] };

export type AssetFilter = {
  readonly ownerId?: string;
  readonly custodianId?: string;
  readonly facilityId?: string;
  readonly country?: string;
  readonly status?: string;
  readonly model?: string;
  readonly kind?: string;
  /** Direct container. */
  readonly containerId?: string;
  /** Several assets may share one (a fact to record and flag, not to refuse). */
  readonly serialNumber?: string;
  readonly manufacturerId?: string;
  /** Only assets this party may read (`LedgerQueries.canSee`). */
  readonly visibleTo?: string;
};

export type PageRequest = {
  /** `nextCursor` of the previous page. */
  readonly after?: string;
  readonly limit: number;
};

export type Page<T> = { readonly items: readonly T[]; readonly nextCursor: string | null };
