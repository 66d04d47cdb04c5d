import { ApiProperty } from '@nestjs/swagger';
import type { AssetView, Page } from '@chip-ledger/projections';
import { AssetViewDto } from './asset-view.dto';

export class AssetPageDto implements Page<AssetView> {
  @ApiProperty({ type: [AssetViewDto] }) items!: readonly AssetViewDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' }) nextCursor!: string | null;
}
