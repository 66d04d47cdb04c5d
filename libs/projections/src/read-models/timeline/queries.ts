import type Database from 'better-sqlite3';
import type { AssetStatus } from '@chip-ledger/domain';
import { isObservation } from '@chip-ledger/domain';
import type { AssetHistory, AssetSnapshot, HistoryOptions, TimelineEntry } from './timeline-view';

/** A time bound that is not a date. */
export class InvalidTime extends Error {
  readonly code = 'invalid-time';
  constructor(readonly field: string, readonly value: string) {
    super(`${field} ${value} is not an ISO 8601 date-time`);
    this.name = 'InvalidTime';
  }
}

type TimelineRow = {
  position: string; event_id: string; event_type: string; via_asset_id: string | null; occurred_at: string;
  recorded_at: string; actor: string | null; data: string; s_status: AssetStatus; s_facility_id: string | null;
  s_country: string | null; s_owner_id: string; s_custodian_id: string; s_parent_id: string | null; s_root_id: string;
};

const toSnapshot = (row: TimelineRow): AssetSnapshot => ({
  status: row.s_status,
  facilityId: row.s_facility_id,
  country: row.s_country,
  ownerId: row.s_owner_id,
  custodianId: row.s_custodian_id,
  parentId: row.s_parent_id,
  rootId: row.s_root_id,
});

const toEntry = (row: TimelineRow, snapshot: AssetSnapshot): TimelineEntry => ({
  position: row.position,
  eventId: row.event_id,
  eventType: row.event_type,
  viaAssetId: row.via_asset_id,
  occurredAt: row.occurred_at,
  recordedAt: row.recorded_at,
  actor: row.actor,
  data: JSON.parse(row.data) as Record<string, unknown>,
  snapshot,
});

const isoBound = (field: string, value: string | undefined): string | null => {
  if (value === undefined) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidTime(field, value);
  return new Date(ms).toISOString();
};

/** An asset's timeline, and its state at a business time as known at a ledger time. */
export class TimelineQueries {
  private readonly timeline: Database.Statement<[{ assetId: string; asOf: string | null; knownAt: string | null }], TimelineRow>;

  constructor(db: Database.Database) {
    const position = "CASE WHEN e.pos_commit = e.pos_prepare THEN CAST(e.pos_commit AS TEXT) ELSE e.pos_commit || '-' || e.pos_prepare END";
    const bounds = '(@asOf IS NULL OR e.occurred_at <= @asOf) AND (@knownAt IS NULL OR e.recorded_at <= @knownAt)';
    this.timeline = db.prepare(`
      SELECT ${position} AS position, e.pos_commit, e.pos_prepare, e.event_id, e.event_type, NULL AS via_asset_id,
        e.occurred_at, e.recorded_at, e.actor, e.data,
        e.s_status, e.s_facility_id, e.s_country, e.s_owner_id, e.s_custodian_id, e.s_parent_id, e.s_root_id
      FROM asset_events e WHERE e.asset_id = @assetId AND ${bounds}
      UNION ALL
      SELECT ${position} AS position, e.pos_commit, e.pos_prepare, e.event_id, e.event_type, t.via_asset_id,
        e.occurred_at, e.recorded_at, e.actor, e.data,
        t.s_status, t.s_facility_id, t.s_country, t.s_owner_id, t.s_custodian_id, t.s_parent_id, t.s_root_id
      FROM timeline t JOIN asset_events e ON e.pos_commit = t.pos_commit AND e.pos_prepare = t.pos_prepare
      WHERE t.asset_id = @assetId AND ${bounds}
      ORDER BY occurred_at, pos_commit, pos_prepare`);
  }

  /**
   * The asset's timeline (own events, and its containers' events while it was inside them) in business-time order
   * (ties: log order), limited to entries that occurred by `asOf` (business time) and/or were recorded by `knownAt`
   * (ledger time). `state` is the state after the last entry: the answer folds what the ledger knew at `knownAt`
   * in business-time order.
   *
   * Each entry's snapshot is the state the projection computed when it recorded the entry. For a change that is
   * exactly the business-time fold up to it: the domain refuses a change dated before the latest change of anything
   * it affects (containers' moves included), so changes are recorded in business-time order. An observation (a
   * location attestation) changes nothing and may be recorded late, after later changes: its recorded snapshot is the
   * state at its recording, so here it carries the state of the change before it in business time instead. A late
   * observation therefore neither rewinds nor advances the answer for any time. null when no entry qualifies (the
   * asset did not exist yet, or was not known yet).
   */
  history(assetId: string, options: HistoryOptions = {}): AssetHistory {
    const asOf = isoBound('asOf', options.asOf);
    const knownAt = isoBound('knownAt', options.knownAt);
    const rows = this.timeline.all({ assetId, asOf, knownAt });
    let state: AssetSnapshot | null = null;
    const entries = rows.map((row) => {
      if (state === null || !isObservation(row.event_type)) state = toSnapshot(row);
      return toEntry(row, state);
    });
    return { assetId, entries, state };
  }
}
