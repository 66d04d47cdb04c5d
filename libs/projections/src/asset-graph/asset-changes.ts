import type { Asset, AssetKind, AssetStatus } from '@chip-ledger/domain';
import type { ReadRelation } from '../read-visibility';

/** Where and when an event was recorded: what every row derived from it carries. */
export type EventContext = {
  readonly commit: bigint;
  readonly prepare: bigint;
  /** The position encoded (`encodePosition`). */
  readonly position: string;
  readonly eventId: string;
  /** Canonical ISO business time. */
  readonly occurredAt: string;
  /** Canonical ISO ledger time. */
  readonly recordedAt: string;
  readonly actor: string | null;
  /**
   * A claim of a multi-stream command takes effect with its commit, just before it: the commit's position. Absent for
   * every other event (it takes effect at its own position).
   */
  readonly appliedAt?: { readonly commit: bigint; readonly prepare: bigint };
};

/** An asset's effective state just after an event (a packed asset's comes from its outermost container). */
export type EffectiveSnapshot = {
  readonly status: AssetStatus;
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
};

/** Where the inventory counts an asset: a facility and a status; null when it is at none (in transit, missing, destroyed). */
export type Placement = { readonly facilityId: string; readonly status: AssetStatus };

/** A destroyed asset keeps its last facility, but is no longer on site. */
export const placementOf = (facilityId: string | null, status: AssetStatus): Placement | null =>
  (status === 'destroyed' || facilityId === null ? null : { facilityId, status });

/** An asset as the world sees it, at the end of a batch: its own state and its outermost container's. */
export type EffectiveAsset = {
  readonly own: Asset;
  /** The outermost container's own state (the asset's own when it is in nothing). */
  readonly effective: Asset;
  readonly rootId: string;
  /** Country of the effective facility. */
  readonly country: string | null;
  readonly lastEventType: string;
  readonly lastOccurredAt: string;
  readonly lastRecordedAt: string;
  readonly lastPosition: string;
  readonly revision: number;
};

/**
 * What the asset graph makes of the asset events: each read model handles the changes it cares about. Emitted in
 * log order, but for `asset-written` and `inventory-moved`, which come once per touched asset at the end of a batch.
 */
export type AssetChange =
  /** Every asset event once, as it came, with its asset's effective state after it: the first entry of its timeline. */
  | {
    readonly type: 'asset-event-recorded'; readonly assetId: string; readonly eventType: string;
    readonly data: Readonly<Record<string, unknown>>; readonly context: EventContext; readonly snapshot: EffectiveSnapshot;
  }
  /**
   * From this event (an `AssetsPacked` of the container) on, `assetId` is inside `containerId`: the container's moves
   * are on its contents' timelines, which are read through these periods rather than copied to every content.
   */
  | { readonly type: 'containment-began'; readonly assetId: string; readonly containerId: string; readonly context: EventContext }
  /** At this event (an `AssetsUnpacked` of the container) `assetId` left `containerId`. */
  | { readonly type: 'containment-ended'; readonly assetId: string; readonly containerId: string; readonly context: EventContext }
  /** A party may read the asset from now on (never withdrawn; may repeat). */
  | { readonly type: 'party-linked'; readonly assetId: string; readonly partyId: string; readonly relation: ReadRelation }
  /** The asset's current state, once per asset touched by the batch, in asset id order. `isNew`: first written. */
  | { readonly type: 'asset-written'; readonly asset: EffectiveAsset; readonly isNew: boolean }
  /** The asset left one placement for another (either may be null). */
  | { readonly type: 'inventory-moved'; readonly kind: AssetKind; readonly model: string; readonly from: Placement | null; readonly to: Placement | null };

/** An asset as the graph resumes it from what was written (see AssetGraphSource). */
export type StoredAsset = {
  readonly own: Asset;
  readonly revision: number;
  readonly lastEventType: string;
  readonly lastOccurredAt: string;
  readonly lastRecordedAt: string;
  readonly lastPosition: string;
  /** The effective custodian last linked. */
  readonly custodianId: string;
  /** Where the inventory counts it now. */
  readonly placement: Placement | null;
};

/** What the graph reads of what was written before: the assets read model in production, nothing in unit tests. */
export type AssetGraphSource = {
  /** The asset as last written; undefined if there is none. */
  readonly load: (assetId: string) => StoredAsset | undefined;
  /** Assets whose container is `assetId`, as last written. */
  readonly childrenOf: (assetId: string) => readonly string[];
  readonly countryOf: (facilityId: string) => string | undefined;
  readonly operatorOf: (facilityId: string) => string | undefined;
};
