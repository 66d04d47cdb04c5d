import { ApiProperty } from '@nestjs/swagger';

export class CommandResponseDto {
  @ApiProperty({ description: 'Id of the command; derived from Idempotency-Key when one is sent' })
  commandId!: string;

  @ApiProperty({ example: 'asset-gpu-0001' })
  streamName!: string;

  @ApiProperty({ type: String, nullable: true, description: 'Revision of the stream after the command; also sent as the ETag', example: '3' })
  revision!: string | null;

  @ApiProperty({
    description: 'Global position of the command\'s last event. Pass it as ?position= to a query to read your own write.',
    example: '1042', type: String, nullable: true,
  })
  position!: string | null;

  @ApiProperty({ description: 'Events written to the stream', example: ['AssetShipped'] })
  events!: string[];
}
