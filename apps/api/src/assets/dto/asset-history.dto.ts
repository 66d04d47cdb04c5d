import { ApiProperty } from '@nestjs/swagger';
import { ASSET_STATUSES } from '@chip-ledger/domain';
import type { AssetStatus } from '@chip-ledger/domain';
import type { AssetHistory, AssetSnapshot, TimelineEntry } from '@chip-ledger/projections';

const NullableId = (description: string) => ApiProperty({ type: String, nullable: true, description });

/** Where the asset was and who held it, just after a timeline entry. */
export class AssetSnapshotDto implements AssetSnapshot {
  @ApiProperty({ enum: ASSET_STATUSES }) status!: AssetStatus;
  @NullableId('Facility; null in transit or missing') facilityId!: string | null;
  @NullableId('Country of the facility') country!: string | null;
  @ApiProperty() ownerId!: string;
  @ApiProperty() custodianId!: string;
  @NullableId('Direct container') parentId!: string | null;
  @ApiProperty() rootId!: string;
}

export class TimelineEntryDto implements TimelineEntry {
  @ApiProperty({ example: '1042' }) position!: string;
  @ApiProperty() eventId!: string;
  @ApiProperty({ example: 'AssetShipped' }) eventType!: string;
  @NullableId('The container whose event this is; null for the asset\'s own events') viaAssetId!: string | null;
  @ApiProperty({ format: 'date-time', description: 'Business time' }) occurredAt!: string;
  @ApiProperty({ format: 'date-time', description: 'Ledger time' }) recordedAt!: string;
  @NullableId('The party that sent the command') actor!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The event\'s data' }) data!: Record<string, unknown>;
  @ApiProperty({ type: () => AssetSnapshotDto }) snapshot!: AssetSnapshotDto;
}

export class AssetHistoryDto implements AssetHistory {
  @ApiProperty() assetId!: string;
  @ApiProperty({ type: [TimelineEntryDto] }) entries!: readonly TimelineEntryDto[];
  @ApiProperty({ type: () => AssetSnapshotDto, nullable: true, description: 'The state at the time asked about; null if it did not exist (or was not known) yet' })
  state!: AssetSnapshotDto | null;
}
