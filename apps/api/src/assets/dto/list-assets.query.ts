import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { ASSET_KINDS, ASSET_STATUSES, ID_PATTERN, ISO_COUNTRIES } from '@chip-ledger/domain';
import type { AssetKind, AssetStatus } from '@chip-ledger/domain';
import { PLAIN_TEXT } from '../../http/dto-fields';
import { PositionQuery } from './position.query';

const OptionalId = (description: string) => (target: object, key: string) => {
  ApiPropertyOptional({ description })(target, key);
  IsOptional()(target, key);
  Matches(ID_PATTERN)(target, key);
};

export class ListAssetsQuery extends PositionQuery {
  @OptionalId('Legal owner') ownerId?: string;
  @OptionalId('Who holds it (for packed assets, whoever holds the outermost container)') custodianId?: string;
  @OptionalId('Facility where it is') facilityId?: string;
  @OptionalId('Direct container') containerId?: string;
  @OptionalId('Manufacturer (party id)') manufacturerId?: string;

  @ApiPropertyOptional({ description: 'Serial number as registered; several assets may share one', example: 'SN00000042' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(PLAIN_TEXT)
  serialNumber?: string;

  @ApiPropertyOptional({ description: 'Country where it is (ISO 3166-1 alpha-2)' })
  @IsOptional()
  @IsIn([...ISO_COUNTRIES])
  country?: string;

  @ApiPropertyOptional({ enum: ASSET_STATUSES })
  @IsOptional()
  @IsIn(ASSET_STATUSES as unknown as string[])
  status?: AssetStatus;

  @ApiPropertyOptional({ enum: ASSET_KINDS })
  @IsOptional()
  @IsIn(ASSET_KINDS as unknown as string[])
  kind?: AssetKind;

  @ApiPropertyOptional({ example: 'nvidia-h100-sxm' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(PLAIN_TEXT)
  model?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  // Decimal digits only: Number() would also read "0x10", "1e1", " 5" and "" (as 0), forms no client means.
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^[0-9]{1,6}$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  cursor?: string;
}
