import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsISO8601, IsOptional, IsString, Length, Matches,
} from 'class-validator';
import { ID_PATTERN, ISO_COUNTRIES } from '@chip-ledger/domain';
import { ID_FORMAT_MESSAGE } from './ids';

/** Reusable field shapes, so every DTO says the same thing about ids, countries, texts and times. */

export const IdField = (description: string, example: string) =>
  applyDecorators(
    ApiProperty({ description, example, pattern: ID_PATTERN.source }),
    IsString(),
    Matches(ID_PATTERN, { message: `$property ${ID_FORMAT_MESSAGE}` }),
  );

export const IdListField = (description: string, example: string[], max = 1000) =>
  applyDecorators(
    ApiProperty({ description, example, type: [String], minItems: 1, maxItems: max }),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(max),
    ArrayUnique(),
    IsString({ each: true }),
    Matches(ID_PATTERN, { each: true, message: `each of $property ${ID_FORMAT_MESSAGE}` }),
  );

export const TextField = (description: string, example: string, max = 500) =>
  applyDecorators(ApiProperty({ description, example, maxLength: max }), IsString(), Length(1, max));

export const OptionalTextField = (description: string, example: string, max = 500) =>
  applyDecorators(ApiPropertyOptional({ description, example, maxLength: max }), IsOptional(), IsString(), Length(1, max));

export const EnumField = (description: string, values: readonly string[], example: string) =>
  applyDecorators(ApiProperty({ description, enum: values, example }), IsIn(values as string[]));

export const CountryField = (description: string, example: string) =>
  applyDecorators(
    ApiProperty({ description: `${description} (ISO 3166-1 alpha-2)`, example, pattern: '^[A-Z]{2}$' }),
    IsIn([...ISO_COUNTRIES], { message: '$property must be an ISO 3166-1 alpha-2 country code' }),
  );

export const OptionalBooleanField = (description: string) =>
  applyDecorators(ApiPropertyOptional({ description, type: Boolean }), IsOptional(), IsBoolean());

/** Business time. Defaults to the ledger's time of recording; late reports are allowed, future ones are not. */
export class OccurredAtDto {
  @ApiPropertyOptional({
    description: 'When it happened (business time, ISO 8601). Defaults to the time the ledger records it.',
    example: '2026-11-20T08:30:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  occurredAt?: string;
}
