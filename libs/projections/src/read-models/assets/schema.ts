import type { SecondaryIndex } from '../read-model';

/**
 * Current state of every asset. Effective columns (status, facility_id, country, custodian_id, shipment, customs_hold,
 * installation) are what the world sees: a packed asset takes them from its outermost container. own_* columns are
 * the asset's own (frozen while packed) state, kept so the projection can resume from the file.
 */
export const ASSETS_SCHEMA = `
  CREATE TABLE assets (
    asset_id TEXT NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    model TEXT NOT NULL,
    serial_number TEXT,
    manufacturer_id TEXT NOT NULL,
    status TEXT NOT NULL,
    own_status TEXT NOT NULL,
    facility_id TEXT,
    country TEXT,
    owner_id TEXT NOT NULL,
    custodian_id TEXT NOT NULL,
    parent_id TEXT,
    root_id TEXT NOT NULL,
    flags TEXT NOT NULL,
    customs_hold TEXT,
    shipment TEXT,
    installation TEXT,
    own_facility_id TEXT,
    own_custodian_id TEXT NOT NULL,
    own_customs_hold TEXT,
    own_shipment TEXT,
    own_installation TEXT,
    last_event_type TEXT NOT NULL,
    last_occurred_at TEXT NOT NULL,
    last_recorded_at TEXT NOT NULL,
    last_position TEXT NOT NULL,
    revision INTEGER NOT NULL
  );
`;

/** (filter, asset_id): every list filter pages on asset_id straight off its index. */
export const ASSETS_INDEXES: readonly SecondaryIndex[] = [
  { name: 'assets_by_owner', on: 'assets (owner_id, asset_id)' },
  { name: 'assets_by_custodian', on: 'assets (custodian_id, asset_id)' },
  { name: 'assets_by_facility', on: 'assets (facility_id, asset_id)' },
  { name: 'assets_by_country', on: 'assets (country, asset_id)' },
  { name: 'assets_by_status', on: 'assets (status, asset_id)' },
  { name: 'assets_by_model', on: 'assets (model, asset_id)' },
  // The asset graph reads a container's contents through it when it reloads the container (assetRowReader.childrenOf):
  // without it, a rebuild that outgrows its asset cache scans the whole table for each container it touches again.
  { name: 'assets_by_parent', on: 'assets (parent_id, asset_id)', projectorReads: true },
  { name: 'assets_by_serial_number', on: 'assets (serial_number, asset_id)' },
];
