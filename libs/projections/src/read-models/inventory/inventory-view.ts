import type { AssetKind, AssetStatus } from '@chip-ledger/domain';

export type InventoryLine = { readonly kind: AssetKind; readonly model: string; readonly count: number };

/** Assets effectively at a facility (packed contents included), counted. */
export type FacilityInventory = {
  readonly facilityId: string;
  readonly total: number;
  readonly byKind: Readonly<Partial<Record<AssetKind, number>>>;
  readonly byStatus: Readonly<Partial<Record<AssetStatus, number>>>;
  /** By model, most numerous first. */
  readonly byModel: readonly InventoryLine[];
  /** Every (kind, model, status) with its count. */
  readonly lines: readonly (InventoryLine & { readonly status: AssetStatus })[];
  /** Accelerator compute on site: chips of catalogued models, not decommissioned or destroyed. */
  readonly compute: { readonly chips: number; readonly denseBf16Tflops: number; readonly tpp: number };
};
