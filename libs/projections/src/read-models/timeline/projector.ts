import type Database from 'better-sqlite3';
import { BulkInsert } from '../../bulk-insert';
import type { ReadModelProjection } from '../read-model';

/**
 * Asset events (each its asset's own timeline entry) are written as they come: they come in key order. Containment
 * periods are opened and closed as packing and unpacking come (a period may close in the batch that opened it).
 */
export const projectTimeline = (db: Database.Database): ReadModelProjection => {
  const eventRows = new BulkInsert(db, 'asset_events',
    ['pos_commit', 'pos_prepare', 'event_id', 'asset_id', 'event_type', 'occurred_at', 'recorded_at', 'actor', 'data',
      's_status', 's_facility_id', 's_country', 's_owner_id', 's_custodian_id', 's_parent_id', 's_root_id',
      'applied_commit', 'applied_prepare'],
    { streaming: true });
  const begin = db.prepare(`INSERT OR IGNORE INTO containment (asset_id, from_commit, from_prepare, container_id, to_commit, to_prepare)
    VALUES (?, ?, ?, ?, NULL, NULL)`);
  const end = db.prepare(`UPDATE containment SET to_commit = ?, to_prepare = ?
    WHERE asset_id = ? AND container_id = ? AND to_commit IS NULL`);
  return {
    on: {
      'asset-event-recorded': ({ assetId, eventType, data, context, snapshot }) => eventRows.add([
        context.commit, context.prepare, context.eventId, assetId, eventType, context.occurredAt, context.recordedAt,
        context.actor, JSON.stringify(data), snapshot.status, snapshot.facilityId, snapshot.country, snapshot.ownerId,
        snapshot.custodianId, snapshot.parentId, snapshot.rootId, context.appliedAt?.commit ?? null, context.appliedAt?.prepare ?? null,
      ]),
      'containment-began': ({ assetId, containerId, context }) => begin.run(assetId, context.commit, context.prepare, containerId),
      'containment-ended': ({ assetId, containerId, context }) => end.run(context.commit, context.prepare, assetId, containerId),
    },
    flush: () => eventRows.flush(),
    discard: () => eventRows.discard(),
  };
};
