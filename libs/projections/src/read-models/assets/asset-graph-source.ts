import type Database from 'better-sqlite3';
import type { AssetFlag, CustomsHold, Installation, Shipment } from '@chip-ledger/domain';
import type { StoredAsset } from '../../asset-graph/asset-changes';
import { placementOf } from '../../asset-graph/asset-changes';
import type { AssetRow } from './asset-row';
import { parseJson } from './asset-row';

/** The asset graph resumes an asset from its row: its own state, and what was last written of its effective one. */
export const assetRowReader = (db: Database.Database): { load: (assetId: string) => StoredAsset | undefined; childrenOf: (assetId: string) => string[] } => {
  const selectAsset = db.prepare<[string], AssetRow>('SELECT * FROM assets WHERE asset_id = ?');
  const selectChildren = db.prepare<[string], string>('SELECT asset_id FROM assets WHERE parent_id = ?').pluck();
  return {
    load: (assetId) => {
      const row = selectAsset.get(assetId);
      if (!row) return undefined;
      return {
        own: {
          exists: true, assetId, kind: row.kind, model: row.model, serialNumber: row.serial_number,
          manufacturerId: row.manufacturer_id, status: row.own_status, ownerId: row.owner_id, custodianId: row.own_custodian_id,
          facilityId: row.own_facility_id, parentId: row.parent_id, childIds: [],
          shipment: parseJson<Shipment>(row.own_shipment), customsHold: parseJson<CustomsHold>(row.own_customs_hold),
          installation: parseJson<Installation>(row.own_installation), flags: JSON.parse(row.flags) as AssetFlag[],
          registeredAt: null, changedAt: null, // the decider's, not needed here
        },
        revision: row.revision, lastEventType: row.last_event_type, lastOccurredAt: row.last_occurred_at,
        lastRecordedAt: row.last_recorded_at, lastPosition: row.last_position, custodianId: row.custodian_id,
        placement: placementOf(row.facility_id, row.status),
      };
    },
    childrenOf: (assetId) => selectChildren.all(assetId),
  };
};
