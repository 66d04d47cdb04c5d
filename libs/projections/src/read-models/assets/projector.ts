import type Database from 'better-sqlite3';
import type { EffectiveAsset } from '../../asset-graph/asset-changes';
import type { ReadModelProjection } from '../read-model';

/** Writes each asset the batch touched once (the graph emits `asset-written` once per asset, in id order). */
export const projectAssets = (db: Database.Database): ReadModelProjection => {
  const insert = db.prepare(`INSERT INTO assets (asset_id, kind, model, serial_number, manufacturer_id, status,
    own_status, facility_id, country, owner_id, custodian_id, parent_id, root_id, flags, customs_hold, shipment,
    installation, own_facility_id, own_custodian_id, own_customs_hold, own_shipment, own_installation,
    last_event_type, last_occurred_at, last_recorded_at, last_position, revision)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const update = db.prepare(`UPDATE assets SET status = ?, own_status = ?, facility_id = ?, country = ?, owner_id = ?,
    custodian_id = ?, parent_id = ?, root_id = ?, flags = ?, customs_hold = ?, shipment = ?, installation = ?,
    own_facility_id = ?, own_custodian_id = ?, own_customs_hold = ?, own_shipment = ?, own_installation = ?,
    last_event_type = ?, last_occurred_at = ?, last_recorded_at = ?, last_position = ?, revision = ?
    WHERE asset_id = ?`);
  // Shipments, holds and installations are shared by every asset in a container: serialised once each.
  const jsonMemo = new WeakMap<object, string>();
  const json = (value: object | null): string | null => {
    if (value === null) return null;
    let text = jsonMemo.get(value);
    if (text === undefined) {
      text = JSON.stringify(value);
      jsonMemo.set(value, text);
    }
    return text;
  };
  const write = (asset: EffectiveAsset, isNew: boolean): void => {
    const { own, effective, rootId, country } = asset;
    const flags = own.flags.length ? json(own.flags) : '[]';
    const ownHold = json(own.customsHold);
    const ownShipment = json(own.shipment);
    const ownInstallation = json(own.installation);
    const packed = rootId !== own.assetId;
    const hold = packed ? json(effective.customsHold) : ownHold;
    const shipment = packed ? json(effective.shipment) : ownShipment;
    const installation = packed ? json(effective.installation) : ownInstallation;
    if (isNew) {
      insert.run(
        own.assetId, own.kind, own.model, own.serialNumber, own.manufacturerId, effective.status, own.status, effective.facilityId,
        country, own.ownerId, effective.custodianId, own.parentId, rootId, flags, hold, shipment, installation,
        own.facilityId, own.custodianId, ownHold, ownShipment, ownInstallation,
        asset.lastEventType, asset.lastOccurredAt, asset.lastRecordedAt, asset.lastPosition, asset.revision,
      );
    } else {
      update.run(
        effective.status, own.status, effective.facilityId, country, own.ownerId, effective.custodianId, own.parentId, rootId, flags,
        hold, shipment, installation, own.facilityId, own.custodianId, ownHold, ownShipment, ownInstallation,
        asset.lastEventType, asset.lastOccurredAt, asset.lastRecordedAt, asset.lastPosition, asset.revision, own.assetId,
      );
    }
  };
  return { on: { 'asset-written': ({ asset, isNew }) => write(asset, isNew) } };
};
