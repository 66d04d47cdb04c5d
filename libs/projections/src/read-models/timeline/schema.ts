import type { SecondaryIndex } from '../read-model';

export const TIMELINE_SCHEMA = `
  -- Every asset event once, in log order. Timeline rows point here, so a rack's shipment is stored once however
  -- many chips it carries. The encoded position is derived from pos_commit and pos_prepare.
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
    PRIMARY KEY (pos_commit, pos_prepare)
  ) WITHOUT ROWID;

  -- Per asset: its own events (via_asset_id NULL) and its containers' events while it was inside them, each with
  -- the asset's effective state just after the event (the s_* snapshot columns). Rows are appended in log order
  -- (a rowid table keeps them dense); the timeline_by_asset index serves one asset's timeline.
  CREATE TABLE timeline (
    asset_id TEXT NOT NULL,
    pos_commit INTEGER NOT NULL,
    pos_prepare INTEGER NOT NULL,
    via_asset_id TEXT,
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
  { name: 'timeline_by_asset', on: 'timeline (asset_id, pos_commit, pos_prepare)', unique: true },
];
