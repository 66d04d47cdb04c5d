import type { SecondaryIndex } from '../read-model';

export const TIMELINE_SCHEMA = `
  -- Every asset event once, in log order, with its asset's effective state just after it (the s_* snapshot
  -- columns): the asset's own timeline entries. The encoded position is derived from pos_commit and pos_prepare.
  -- applied_*: a claim of a multi-stream command takes effect with its commit, just before it (NULL: at its own).
  -- A rowid table: rows (a few hundred bytes with the data) are appended in log order, and nothing looks an event up
  -- by its position alone; asset_events_by_asset (unique) serves timelines and refuses an event twice.
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
    applied_commit INTEGER,
    applied_prepare INTEGER
  );

  -- Each period an asset spent directly inside a container: from the container's AssetsPacked to its AssetsUnpacked
  -- (open: NULL). A content's timeline reads its containers' events through these periods at query time, so a rack's
  -- shipment is stored once however many chips it carries.
  CREATE TABLE containment (
    asset_id TEXT NOT NULL,
    from_commit INTEGER NOT NULL,
    from_prepare INTEGER NOT NULL,
    container_id TEXT NOT NULL,
    to_commit INTEGER,
    to_prepare INTEGER,
    PRIMARY KEY (asset_id, from_commit, from_prepare)
  ) WITHOUT ROWID;
`;

export const TIMELINE_INDEXES: readonly SecondaryIndex[] = [
  { name: 'asset_events_by_asset', on: 'asset_events (asset_id, pos_commit, pos_prepare)', unique: true },
];
