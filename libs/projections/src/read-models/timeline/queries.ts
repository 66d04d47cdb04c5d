import type Database from 'better-sqlite3';
import type { AssetStatus } from '@chip-ledger/domain';
import { isObservation } from '@chip-ledger/domain';
import type { GlobalPosition } from '@chip-ledger/event-store';
import { comparePositions, encodePosition } from '@chip-ledger/event-store';
import { MAX_NESTING } from '../../asset-graph/asset-graph';
import { followedByContents } from '../../asset-graph/followed-by-contents';
import type { AssetHistory, AssetSnapshot, HistoryOptions, TimelineEntry } from './timeline-view';

/** A time bound that is not a date. */
export class InvalidTime extends Error {
  readonly code = 'invalid-time';
  constructor(readonly field: string, readonly value: string) {
    super(`${field} ${value} is not an ISO 8601 date-time`);
    this.name = 'InvalidTime';
  }
}

type EventRow = {
  pos_commit: bigint; pos_prepare: bigint; event_id: string; event_type: string; occurred_at: string; recorded_at: string;
  actor: string | null; data: string; s_status: AssetStatus; s_facility_id: string | null; s_country: string | null;
  s_owner_id: string; s_custodian_id: string; s_parent_id: string | null; s_root_id: string;
  applied_commit: bigint | null; applied_prepare: bigint | null;
};

type ContainmentRow = { container_id: string; from_commit: bigint; from_prepare: bigint; to_commit: bigint | null; to_prepare: bigint | null };

/** An entry before it is filtered and ordered: the event, the content's own row it takes owner and container from, the place. */
type Found = { readonly event: EventRow; readonly via: string | null; readonly snapshot: AssetSnapshot };

const BEFORE_ALL: GlobalPosition = { commit: -1n, prepare: -1n };
const AFTER_ALL: GlobalPosition = { commit: (1n << 63n) - 1n, prepare: (1n << 63n) - 1n };

const positionOf = (row: EventRow): GlobalPosition => ({ commit: row.pos_commit, prepare: row.pos_prepare });
/** Where an event took effect: a claim with its commit, anything else at its own position. */
const appliedOf = (row: EventRow): GlobalPosition =>
  (row.applied_commit === null ? positionOf(row) : { commit: row.applied_commit, prepare: row.applied_prepare as bigint });
/** Apply order: where it took effect, then (claims of one commit) log order. */
const compareApplied = (a: EventRow, b: EventRow): number => comparePositions(appliedOf(a), appliedOf(b)) || comparePositions(positionOf(a), positionOf(b));
const maxOf = (a: GlobalPosition, b: GlobalPosition): GlobalPosition => (comparePositions(a, b) >= 0 ? a : b);
const minOf = (a: GlobalPosition, b: GlobalPosition): GlobalPosition => (comparePositions(a, b) <= 0 ? a : b);

const placeOf = (row: EventRow): Pick<AssetSnapshot, 'status' | 'facilityId' | 'country' | 'custodianId' | 'rootId'> =>
  ({ status: row.s_status, facilityId: row.s_facility_id, country: row.s_country, custodianId: row.s_custodian_id, rootId: row.s_root_id });

const toSnapshot = (row: EventRow): AssetSnapshot => ({ ...placeOf(row), ownerId: row.s_owner_id, parentId: row.s_parent_id });

/** The last of `rows` (in apply order) that took effect before `event` did: the asset's own state at that event. */
const lastBefore = (rows: readonly EventRow[], event: EventRow): EventRow | undefined => {
  let found: EventRow | undefined;
  for (const row of rows) {
    if (compareApplied(row, event) >= 0) break;
    found = row;
  }
  return found;
};

const isoBound = (field: string, value: string | undefined): string | null => {
  if (value === undefined) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidTime(field, value);
  return new Date(ms).toISOString();
};

const EVENT_COLUMNS = `pos_commit, pos_prepare, event_id, event_type, occurred_at, recorded_at, actor, data, s_status, s_facility_id,
  s_country, s_owner_id, s_custodian_id, s_parent_id, s_root_id, applied_commit, applied_prepare`;

/**
 * An asset's timeline, and its state at a business time as known at a ledger time: its own events (asset_events),
 * and, read through the periods it spent inside containers (containment), the events of its containers that moved
 * it (FOLLOWED_BY_CONTENTS) and the packing and unpacking of the units it was in.
 */
export class TimelineQueries {
  private readonly ownEvents: Database.Statement<[string], EventRow>;
  private readonly eventsBetween: Database.Statement<[string, bigint, bigint, bigint, bigint], EventRow>;
  private readonly periodsOf: Database.Statement<[string], ContainmentRow>;

  constructor(db: Database.Database) {
    this.ownEvents = db.prepare<[string], EventRow>(`SELECT ${EVENT_COLUMNS} FROM asset_events WHERE asset_id = ?`).safeIntegers(true);
    this.eventsBetween = db.prepare<[string, bigint, bigint, bigint, bigint], EventRow>(`SELECT ${EVENT_COLUMNS} FROM asset_events
      WHERE asset_id = ? AND (pos_commit, pos_prepare) >= (?, ?) AND (pos_commit, pos_prepare) <= (?, ?)`).safeIntegers(true);
    this.periodsOf = db.prepare<[string], ContainmentRow>(
      'SELECT container_id, from_commit, from_prepare, to_commit, to_prepare FROM containment WHERE asset_id = ?').safeIntegers(true);
  }

  /**
   * The asset's timeline (own events, and its containers' events while it was inside them) in business-time order
   * (ties: log order), limited to entries that occurred by `asOf` (business time) and/or were recorded by `knownAt`
   * (ledger time). `state` is the state after the last entry: the answer folds what the ledger knew at `knownAt`
   * in business-time order.
   *
   * Each entry's snapshot is the state the projection computed at the event: for a container's event, the place its
   * outermost container was in after it, with the asset's own owner and container then. For a change that is
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
    const own = this.ownEvents.all(assetId).sort(compareApplied);
    const found: Found[] = own.map((event) => ({ event, via: null, snapshot: toSnapshot(event) }));
    const seen = new Set(own.map((event) => encodePosition(positionOf(event))));
    const add = (event: EventRow, via: string, place: EventRow): void => {
      const key = encodePosition(positionOf(event));
      if (seen.has(key)) return; // one entry per event (a cyclic containment in corrupt data could reach it twice)
      const self = lastBefore(own, event);
      if (!self) return;
      seen.add(key);
      found.push({ event, via, snapshot: { ...placeOf(place), ownerId: self.s_owner_id, parentId: self.s_parent_id } });
    };
    /** `inside` spent (from, to) within `outer`'s period; at depth 1 `inside` is the asset itself. */
    const walk = (inside: string, from: GlobalPosition, to: GlobalPosition, depth: number): void => {
      if (depth > MAX_NESTING) return;
      for (const period of this.periodsOf.all(inside)) {
        const packedAt = { commit: period.from_commit, prepare: period.from_prepare };
        const unpackedAt = period.to_commit === null ? null : { commit: period.to_commit, prepare: period.to_prepare as bigint };
        const lo = maxOf(from, packedAt);
        const hi = minOf(to, unpackedAt ?? AFTER_ALL);
        if (comparePositions(lo, hi) >= 0) continue;
        const container = period.container_id;
        // The unit directly inside the container was packed or unpacked by these (the asset itself has its own event).
        const unitPacked = depth > 1 && comparePositions(lo, packedAt) === 0;
        const unitUnpacked = depth > 1 && unpackedAt !== null && comparePositions(hi, unpackedAt) === 0;
        let unitRows: EventRow[] | null = null;
        for (const event of this.eventsBetween.all(container, lo.commit, lo.prepare, hi.commit, hi.prepare)) {
          const at = positionOf(event);
          const strictlyInside = comparePositions(at, lo) > 0 && comparePositions(at, hi) < 0;
          if (strictlyInside && followedByContents(event.event_type)) {
            add(event, container, event);
          } else if (unitPacked && event.event_type === 'AssetsPacked' && comparePositions(at, lo) === 0) {
            add(event, container, event);
          } else if (unitUnpacked && event.event_type === 'AssetsUnpacked' && comparePositions(at, hi) === 0) {
            // Out of the container, the unit and what it holds are where the unit itself is.
            unitRows ??= this.ownEvents.all(inside).sort(compareApplied);
            const unit = lastBefore(unitRows, event);
            if (unit) add(event, container, unit);
          }
        }
        walk(container, lo, hi, depth + 1);
      }
    };
    walk(assetId, BEFORE_ALL, AFTER_ALL, 1);

    const entries: TimelineEntry[] = [];
    let state: AssetSnapshot | null = null;
    const qualifying = found
      .filter(({ event }) => (asOf === null || event.occurred_at <= asOf) && (knownAt === null || event.recorded_at <= knownAt))
      .sort((a, b) => (a.event.occurred_at < b.event.occurred_at ? -1 : a.event.occurred_at > b.event.occurred_at ? 1 : 0)
        || comparePositions(positionOf(a.event), positionOf(b.event)));
    for (const { event, via, snapshot } of qualifying) {
      if (state === null || !isObservation(event.event_type)) state = snapshot;
      entries.push({
        position: encodePosition(positionOf(event)), eventId: event.event_id, eventType: event.event_type, viaAssetId: via,
        occurredAt: event.occurred_at, recordedAt: event.recorded_at, actor: event.actor,
        data: JSON.parse(event.data) as Record<string, unknown>, snapshot: state,
      });
    }
    return { assetId, entries, state };
  }
}
