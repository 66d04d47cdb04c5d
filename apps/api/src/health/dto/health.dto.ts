import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { StoreInfo, StoreNode } from '@chip-ledger/event-store';

export class StoreNodeDto implements StoreNode {
  @ApiProperty({ type: String, nullable: true, description: 'host:port of the node the API talks to', example: 'node2:2113' }) endpoint!: string | null;
  @ApiProperty({ type: Boolean, nullable: true, description: 'Whether that node is the cluster\'s leader (false during an election)' }) leader!: boolean | null;
}

export class StoreHealthDto implements StoreInfo {
  @ApiProperty({ enum: ['sqlite', 'eventstoredb'] }) kind!: StoreInfo['kind'];
  @ApiProperty({ description: 'The data file, or the EventStoreDB connection string' }) location!: string;
  @ApiPropertyOptional({ type: () => StoreNodeDto, description: 'EventStoreDB only, once it has answered' }) node?: StoreNodeDto;
  @ApiProperty() reachable!: boolean;
}

export class ProjectionsHealthDto {
  @ApiProperty() running!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Position of the last event the read models have applied' }) checkpoint!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Position of the last ledger event in the store' }) head!: string | null;
  @ApiProperty({ type: Boolean, nullable: true, description: 'Whether checkpoint has reached head; null while the store does not answer' })
  caughtUp!: boolean | null;
  @ApiProperty({ type: 'integer', description: 'Events applied since the server started' }) appliedEvents!: number;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
}

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'degraded'] }) status!: 'ok' | 'degraded';
  @ApiProperty({ type: () => StoreHealthDto }) store!: StoreHealthDto;
  @ApiProperty({ type: () => ProjectionsHealthDto }) projections!: ProjectionsHealthDto;
}
