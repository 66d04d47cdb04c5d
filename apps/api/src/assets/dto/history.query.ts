import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';
import { PositionQuery } from './position.query';

export class HistoryQuery extends PositionQuery {
  @ApiPropertyOptional({ description: 'Business time: where was it, who held it, as of this moment', example: '2026-11-20T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  asOf?: string;

  @ApiPropertyOptional({ description: 'Ledger time: only what had been recorded by this moment', example: '2026-11-21T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  knownAt?: string;
}
