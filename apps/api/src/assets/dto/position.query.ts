import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

export class PositionQuery {
  @ApiPropertyOptional({ description: 'A position returned by a command: wait (bounded) until the read side has it' })
  @IsOptional()
  @Matches(/^\d{1,20}(-\d{1,20})?$/, { message: 'position must be a position returned by a command' })
  position?: string;
}
