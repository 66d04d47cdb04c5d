import type Database from 'better-sqlite3';
import type { AssetKind } from '@chip-ledger/domain';
import type { Placement } from '../../asset-graph/asset-changes';
import type { ReadModelProjection } from '../read-model';

/** Counts moves as deltas over the batch and writes each (facility, kind, model, status) line once at its end. */
export const projectInventory = (db: Database.Database): ReadModelProjection => {
  const add = db.prepare(`INSERT INTO facility_inventory (facility_id, kind, model, status, count) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (facility_id, kind, model, status) DO UPDATE SET count = count + excluded.count`);
  const prune = db.prepare('DELETE FROM facility_inventory WHERE facility_id = ? AND kind = ? AND model = ? AND status = ? AND count <= 0');
  const deltas = new Map<string, number>();
  const count = (placement: Placement | null, kind: AssetKind, model: string, delta: number): void => {
    if (placement === null) return;
    const key = `${placement.facilityId}\u0000${kind}\u0000${model}\u0000${placement.status}`;
    deltas.set(key, (deltas.get(key) ?? 0) + delta);
  };
  return {
    on: {
      'inventory-moved': ({ kind, model, from, to }) => {
        count(from, kind, model, -1);
        count(to, kind, model, 1);
      },
    },
    flush: () => {
      for (const [key, delta] of deltas) {
        if (delta === 0) continue;
        const [facilityId, kind, model, status] = key.split('\u0000');
        add.run(facilityId, kind, model, status, delta);
        if (delta < 0) prune.run(facilityId, kind, model, status);
      }
      deltas.clear();
    },
    discard: () => deltas.clear(),
  };
};
