import type { SecondaryIndex } from '../read-model';

export const TIMELINE_SCHEMA = `
  -- Every asset event once, in log order, with its asset's effective state just after it (the s_* snapshot
  -- columns): the asset's own timeline entries. The encoded position is derived from pos_commit and pos_prepare.
  CREATE TABLE asset_events (
    pos_commit INTEGER NOT NULL,
    pos_prepare INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    asset_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    actor TEXT,
    data TEXT NOT NULL,
    s_status TEXT NOT NULL,
    s_facility_id TEXT,
    s_country TEXT,
    s_owner_id TEXT NOT NULL,
    s_custodian_id TEXT NOT NULL,
    s_parent_id TEXT,
    s_root_id TEXT NOT NULL,
    PRIMARY KEY (pos_commit, pos_prepare)
  ) WITHOUT ROWID;

  -- The rest of each asset's timeline: its containers' events while it was inside them (via_asset_id: the
  -- container), each with the asset's effective state just after the event. They point to asset_events, so a rack's
  -- shipment is stored once however many chips it carries. A rowid table keeps rows appended in batch order dense.
  CREATE TABLE timeline (
    asset_id TEXT NOT NULL,
    pos_commit INTEGER NOT NULL,
    pos_prepare INTEGER NOT NULL,
    via_asset_id TEXT NOT NULL,
    s_status TEXT NOT NULL,
    s_facility_id TEXT,
    s_country TEXT,
    s_owner_id TEXT NOT NULL,
    s_custodian_id TEXT NOT NULL,
    s_parent_id TEXT,
    s_root_id TEXT NOT NULL
  );
`;

export const TIMELINE_INDEXES: readonly SecondaryIndex[] = [
  { name: 'asset_events_by_asset', on: 'asset_events (asset_id, pos_commit, pos_prepare)' },
  { name: 'timeline_by_asset', on: 'timeline (asset_id, pos_commit, pos_prepare)', unique: true },
];
