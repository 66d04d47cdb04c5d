import type Database from 'better-sqlite3';
import { BulkInsert } from '../../bulk-insert';
import type { ReadModelProjection } from '../read-model';

/**
 * Asset events (with their asset's own timeline entry) are written as they come (they come in key order); contents'
 * entries are held per asset and written at the end of the batch in asset order (B-tree inserts in key order are much
 * cheaper than random ones).
 */
export const projectTimeline = (db: Database.Database): ReadModelProjection => {
  const eventRows = new BulkInsert(db, 'asset_events',
    ['pos_commit', 'pos_prepare', 'event_id', 'asset_id', 'event_type', 'occurred_at', 'recorded_at', 'actor', 'data',
      's_status', 's_facility_id', 's_country', 's_owner_id', 's_custodian_id', 's_parent_id', 's_root_id'],
    { streaming: true });
  const timelineRows = new BulkInsert(db, 'timeline', ['asset_id', 'pos_commit', 'pos_prepare', 'via_asset_id', 's_status',
    's_facility_id', 's_country', 's_owner_id', 's_custodian_id', 's_parent_id', 's_root_id'], { orIgnore: true });
  const entries = new Map<string, unknown[][]>();
  return {
    on: {
      'asset-event-recorded': ({ assetId, eventType, data, context, snapshot }) => eventRows.add([
        context.commit, context.prepare, context.eventId, assetId, eventType, context.occurredAt, context.recordedAt,
        context.actor, JSON.stringify(data), snapshot.status, snapshot.facilityId, snapshot.country, snapshot.ownerId,
        snapshot.custodianId, snapshot.parentId, snapshot.rootId,
      ]),
      'timeline-entry': ({ assetId, viaAssetId, context, snapshot }) => {
        const row = [assetId, context.commit, context.prepare, viaAssetId, snapshot.status, snapshot.facilityId,
          snapshot.country, snapshot.ownerId, snapshot.custodianId, snapshot.parentId, snapshot.rootId];
        const rows = entries.get(assetId);
        if (rows) rows.push(row);
        else entries.set(assetId, [row]);
      },
    },
    flush: () => {
      eventRows.flush();
      for (const assetId of [...entries.keys()].sort()) timelineRows.addAll(entries.get(assetId) as unknown[][]);
      entries.clear();
      timelineRows.flush();
    },
    discard: () => {
      entries.clear();
      eventRows.discard();
      timelineRows.discard();
    },
  };
};
