import type { AssetView } from '../assets/asset-view';

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
