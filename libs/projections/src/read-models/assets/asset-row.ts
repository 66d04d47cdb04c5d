import type { AssetKind, AssetStatus } from '@chip-ledger/domain';

/** A row of `assets`, as the projector and the queries read it. */
export type AssetRow = {
  asset_id: string; kind: AssetKind; model: string; serial_number: string | null; manufacturer_id: string;
  status: AssetStatus; own_status: AssetStatus; facility_id: string | null; country: string | null; owner_id: string;
  custodian_id: string; parent_id: string | null; root_id: string; flags: string; customs_hold: string | null;
  shipment: string | null; installation: string | null; own_facility_id: string | null; own_custodian_id: string;
  own_customs_hold: string | null; own_shipment: string | null; own_installation: string | null;
  last_event_type: string; last_occurred_at: string; last_recorded_at: string; last_position: string; revision: number;
};

export const parseJson = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));
