import type {
  AssetFlag, AssetKind, AssetStatus, CustomsHold, FacilityKind, Installation, Role, Shipment,
} from '@chip-ledger/domain';

/**
 * An asset as the world sees it. A packed asset is wherever its outermost container (`rootId`) is: status,
 * facilityId, country, custodianId, shipment, customsHold and installation come from that container.
 * `ownStatus` is the asset's own status (frozen while packed). Positions are encoded (`encodePosition`).
 */
export type AssetView = {
  readonly assetId: string;
  readonly kind: AssetKind;
  readonly model: string;
  readonly serialNumber: string | null;
  readonly manufacturerId: string;
  readonly status: AssetStatus;
  readonly ownStatus: AssetStatus;
  /** Null in transit or missing. */
  readonly facilityId: string | null;
  /** Country of `facilityId`. */
  readonly country: string | null;
  readonly ownerId: string;
  readonly custodianId: string;
  /** Direct container. */
  readonly parentId: string | null;
  /** Outermost container, or the asset itself. */
  readonly rootId: string;
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

/** The asset's effective state just after a timeline entry (an observation's: the state it observed, at its business time). */
export type AssetSnapshot = Pick<AssetView, 'status' | 'facilityId' | 'country' | 'ownerId' | 'custodianId' | 'parentId' | 'rootId'>;

export type TimelineEntry = {
  readonly position: string;
  readonly eventId: string;
  readonly eventType: string;
  /** The container whose event this is; null for the asset's own events. */
  readonly viaAssetId: string | null;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly actor: string | null;
  readonly data: Readonly<Record<string, unknown>>;
  readonly snapshot: AssetSnapshot;
};

export type HistoryOptions = {
  /** Business time (ISO 8601): only entries that occurred at or before it. */
  readonly asOf?: string;
  /** Ledger time (ISO 8601): only entries the ledger had recorded at or before it. */
  readonly knownAt?: string;
};

export type AssetHistory = {
  readonly assetId: string;
  /** Qualifying entries in business-time order (ties: log order). */
  readonly entries: readonly TimelineEntry[];
  /** The asset's state at the time asked about; null if it did not exist (or was not known) yet. */
  readonly state: AssetSnapshot | null;
};

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

export type InventoryLine = { readonly kind: AssetKind; readonly model: string; readonly count: number };

/** Assets effectively at a facility (packed contents included), counted. */
export type FacilityInventory = {
  readonly facilityId: string;
  readonly total: number;
  readonly byKind: Readonly<Partial<Record<AssetKind, number>>>;
  readonly byStatus: Readonly<Partial<Record<AssetStatus, number>>>;
  /** By model, most numerous first. */
  readonly byModel: readonly InventoryLine[];
  /** Every (kind, model, status) with its count. */
  readonly lines: readonly (InventoryLine & { readonly status: AssetStatus })[];
  /** Accelerator compute on site: chips of catalogued models, not decommissioned or destroyed. */
  readonly compute: { readonly chips: number; readonly denseBf16Tflops: number; readonly tpp: number };
};

export type PartyView = {
  readonly partyId: string;
  readonly name: string;
  readonly roles: readonly Role[];
  readonly country: string;
  readonly activeKeyIds: readonly string[];
};

export type FacilityView = {
  readonly facilityId: string;
  readonly name: string;
  readonly kind: FacilityKind;
  readonly country: string;
  readonly operatorId: string;
};

export type ActiveApiKey = { readonly keyId: string; readonly partyId: string; readonly roles: readonly Role[] };
