import type Database from 'better-sqlite3';
import type { AssetKind, AssetStatus } from '@chip-ledger/domain';
import { findAcceleratorModel } from '@chip-ledger/domain';
import type { FacilityInventory, InventoryLine } from './inventory-view';

/** Whether chips in this status still count as compute on site. */
const COUNTS_AS_COMPUTE = {
  'at-facility': true, 'in-transit': true, installed: true, missing: true, decommissioned: false, destroyed: false,
} as const satisfies Record<AssetStatus, boolean>;

type InventoryRow = { kind: AssetKind; model: string; status: AssetStatus; count: number };

/** What is at a facility. */
export class InventoryQueries {
  private readonly inventory: Database.Statement<[string], InventoryRow>;

  constructor(db: Database.Database) {
    this.inventory = db.prepare<[string], InventoryRow>(
      'SELECT kind, model, status, count FROM facility_inventory WHERE facility_id = ? AND count > 0 ORDER BY kind, model, status');
  }

  /** Assets effectively at the facility (contents of containers there included), counted by kind, model and status. */
  facilityInventory(facilityId: string): FacilityInventory {
    const lines = this.inventory.all(facilityId);
    const byKind: Partial<Record<AssetKind, number>> = {};
    const byStatus: Partial<Record<AssetStatus, number>> = {};
    const byModel = new Map<string, InventoryLine>();
    const compute = { chips: 0, denseBf16Tflops: 0, tpp: 0 };
    let total = 0;
    for (const { kind, model, status, count } of lines) {
      total += count;
      byKind[kind] = (byKind[kind] ?? 0) + count;
      byStatus[status] = (byStatus[status] ?? 0) + count;
      const modelKey = `${kind}\u0000${model}`;
      byModel.set(modelKey, { kind, model, count: (byModel.get(modelKey)?.count ?? 0) + count });
      const spec = kind === 'chip' && COUNTS_AS_COMPUTE[status] ? findAcceleratorModel(model) : undefined;
      if (spec) {
        compute.chips += count;
        // A part with no published BF16 rate (e.g. Ascend, FP16 only) adds nothing here rather than a guessed figure.
        compute.denseBf16Tflops += (spec.denseBf16Tflops ?? 0) * count;
        compute.tpp += spec.tpp * count;
      }
    }
    return {
      facilityId, total, byKind, byStatus,
      byModel: [...byModel.values()].sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind) || a.model.localeCompare(b.model)),
      lines,
      compute,
    };
  }
}
