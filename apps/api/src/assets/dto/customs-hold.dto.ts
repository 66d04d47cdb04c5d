import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ISO_COUNTRIES } from '@chip-ledger/domain';
import { OccurredAtDto, TextField } from '../../http/dto-fields';

export class CustomsHoldDto extends OccurredAtDto {
  /** Kept for older clients: the hold's country is the agency's own, whatever is sent. */
  @ApiPropertyOptional({
    description: 'The agency\'s country (ISO 3166-1 alpha-2), its jurisdiction: optional, and if given it must be that country',
    example: 'DE', pattern: '^[A-Z]{2}$',
  })
  @IsOptional()
  @IsIn([...ISO_COUNTRIES], { message: '$property must be an ISO 3166-1 alpha-2 country code' })
  country?: string;

  @TextField('Why it is held', 'Export licence under review')
  reason!: string;
}
