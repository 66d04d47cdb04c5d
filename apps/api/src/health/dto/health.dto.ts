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

export class ProjectionLagDto {
  @ApiProperty({ type: String, nullable: true }) checkpoint!: string | null;
  @ApiProperty({ type: String, nullable: true }) head!: string | null;
  @ApiProperty({ type: 'integer', description: 'Ledger events in the store past the checkpoint, counted up to 10,000' }) events!: number;
  @ApiProperty({ description: 'True when there are more than `events`' }) eventsAtLeast!: boolean;
  @ApiProperty({ description: 'Age in seconds of the oldest event not applied yet (0 when caught up)' }) seconds!: number;
}

export class ProjectionsHealthDto {
  @ApiProperty() running!: boolean;
  @ApiProperty({ description: 'Not yet at the end of the log as it was at start: reads answer 503 read-model-behind meanwhile' })
  catchingUp!: boolean;
  @ApiProperty({ description: 'The read-model file being served (a rebuild publishes a new one)', example: 'read-models.sqlite' })
  generation!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Position of the last event the read models have applied' }) checkpoint!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Position of the last ledger event in the store' }) head!: string | null;
  @ApiProperty({ type: Boolean, nullable: true, description: 'Whether checkpoint has reached head; null while the store does not answer' })
  caughtUp!: boolean | null;
  @ApiProperty({ type: () => ProjectionLagDto, nullable: true, description: 'null while the store does not answer' }) lag!: ProjectionLagDto | null;
  @ApiProperty({ type: 'integer', description: 'Events applied since the server started' }) appliedEvents!: number;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
}

export class HealthDto {
  @ApiProperty({ enum: ['ok', 'catching-up', 'degraded'] }) status!: 'ok' | 'catching-up' | 'degraded';
  @ApiProperty({ type: () => StoreHealthDto }) store!: StoreHealthDto;
  @ApiProperty({ type: () => ProjectionsHealthDto }) projections!: ProjectionsHealthDto;
}
