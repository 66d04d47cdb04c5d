import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, Length, Matches, ValidateBy,
} from 'class-validator';
import { ID_PATTERN, ISO_COUNTRIES } from '@chip-ledger/domain';
import { ID_FORMAT_MESSAGE } from './ids';
import { RFC3339_DATE_TIME, RFC3339_DESCRIPTION, parseRfc3339DateTime } from './rfc3339-date-time';

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

/**
 * Texts are stored and compared as given: a lone surrogate cannot be stored as UTF-8 (it would come back as U+FFFD)
 * and control characters other than tab and line breaks are never part of a legitimate reason, name or reference.
 */
export const PLAIN_TEXT = /^(?:[^\p{Cc}\p{Cs}]|[\t\n\r])*$/u;

const IsPlainText = () => Matches(PLAIN_TEXT, { message: '$property must be text without control characters or lone surrogates' });

export const TextField = (description: string, example: string, max = 500) =>
  applyDecorators(ApiProperty({ description, example, maxLength: max }), IsString(), Length(1, max), IsPlainText());

export const OptionalTextField = (description: string, example: string, max = 500) =>
  applyDecorators(
    ApiPropertyOptional({ description, example, maxLength: max }), IsOptional(), IsString(), Length(1, max), IsPlainText(),
  );

export const EnumField = (description: string, values: readonly string[], example: string) =>
  applyDecorators(ApiProperty({ description, enum: values, example }), IsIn(values as string[]));

export const CountryField = (description: string, example: string) =>
  applyDecorators(
    ApiProperty({ description: `${description} (ISO 3166-1 alpha-2)`, example, pattern: '^[A-Z]{2}$' }),
    IsIn([...ISO_COUNTRIES], { message: '$property must be an ISO 3166-1 alpha-2 country code' }),
  );

export const OptionalBooleanField = (description: string) =>
  applyDecorators(ApiPropertyOptional({ description, type: Boolean }), IsOptional(), IsBoolean());

const IsRfc3339DateTime = () =>
  ValidateBy({
    name: 'isRfc3339DateTime',
    validator: {
      validate: (value) => parseRfc3339DateTime(value) !== null,
      defaultMessage: () => `$property must be ${RFC3339_DESCRIPTION}`,
    },
  });

/** A moment in time, in bodies and query parameters alike: the one form in rfc3339-date-time.ts. */
export const OptionalDateTimeField = (description: string, example: string) =>
  applyDecorators(
    ApiPropertyOptional({
      description: `${description}. Format: ${RFC3339_DESCRIPTION}.`, example, type: String, format: 'date-time',
      pattern: RFC3339_DATE_TIME.source,
    }),
    IsOptional(),
    IsRfc3339DateTime(),
  );

/** Business time. Defaults to the ledger's time of recording; late reports are allowed, future ones are not. */
export class OccurredAtDto {
  @OptionalDateTimeField('When it happened (business time); defaults to the time the ledger records it', '2026-11-20T08:30:00Z')
  occurredAt?: string;
}
