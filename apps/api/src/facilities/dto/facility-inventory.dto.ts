import { ApiProperty } from '@nestjs/swagger';
import { ASSET_KINDS, ASSET_STATUSES } from '@chip-ledger/domain';
import type { AssetKind, AssetStatus } from '@chip-ledger/domain';
import type { FacilityInventory, InventoryLine } from '@chip-ledger/projections';

/** Counts keyed by the given names; a name with no assets is absent. */
const CountsBy = (names: readonly string[], description: string) => ApiProperty({
  type: 'object', description, additionalProperties: false,
  properties: Object.fromEntries(names.map((name) => [name, { type: 'integer', minimum: 1 }])),
});

export class InventoryLineDto implements InventoryLine {
  @ApiProperty({ enum: ASSET_KINDS }) kind!: AssetKind;
  @ApiProperty({ example: 'nvidia-h100-sxm' }) model!: string;
  @ApiProperty({ type: 'integer' }) count!: number;
}

export class InventoryStatusLineDto extends InventoryLineDto {
  @ApiProperty({ enum: ASSET_STATUSES }) status!: AssetStatus;
}

export class SiteComputeDto {
  @ApiProperty({ type: 'integer', description: 'Chips of catalogued models, not decommissioned or destroyed' }) chips!: number;
  @ApiProperty({ description: 'Their dense BF16 TFLOPS, summed' }) denseBf16Tflops!: number;
  @ApiProperty({ description: 'Their Total Processing Performance (export-control metric), summed' }) tpp!: number;
}

/** What is effectively at a facility (the contents of containers there included), counted. */
export class FacilityInventoryDto implements FacilityInventory {
  @ApiProperty() facilityId!: string;
  @ApiProperty({ type: 'integer' }) total!: number;
  @CountsBy(ASSET_KINDS, 'Assets by kind') byKind!: Partial<Record<AssetKind, number>>;
  @CountsBy(ASSET_STATUSES, 'Assets by status') byStatus!: Partial<Record<AssetStatus, number>>;
  @ApiProperty({ type: [InventoryLineDto], description: 'By model, most numerous first' }) byModel!: readonly InventoryLineDto[];
  @ApiProperty({ type: [InventoryStatusLineDto], description: 'Every (kind, model, status) with its count' }) lines!: readonly InventoryStatusLineDto[];
  @ApiProperty({ type: () => SiteComputeDto, description: 'Accelerator compute on site' }) compute!: SiteComputeDto;
}
