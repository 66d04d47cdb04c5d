import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import {
  ISO_COUNTRIES, LICENCE_REFERENCE_MAX_LENGTH, LICENCE_REFERENCE_PATTERN, MAX_TRANSIT_COUNTRIES,
} from '@chip-ledger/domain';
import { IdField, OccurredAtDto, OptionalTextField } from '../../http/dto-fields';

const LicenceReferenceField = () =>
  applyDecorators(
    ApiPropertyOptional({
      description: 'Export licence reference, for a shipment that crosses a border. Letters and digits, with inner spaces, '
        + 'dots, slashes, hyphens or underscores. A shipment without one is recorded all the same (and flagged where a licence is required).',
      example: 'BIS-D-2026-00042', maxLength: LICENCE_REFERENCE_MAX_LENGTH, pattern: LICENCE_REFERENCE_PATTERN.source,
    }),
    IsOptional(),
    IsString(),
    MaxLength(LICENCE_REFERENCE_MAX_LENGTH),
    Matches(LICENCE_REFERENCE_PATTERN, { message: '$property must be letters and digits, with inner spaces, dots, slashes, hyphens or underscores' }),
  );

const TransitCountriesField = () =>
  applyDecorators(
    ApiPropertyOptional({
      description: 'Countries the shipment passes through on the way (transshipment hubs), in order, as ISO 3166-1 alpha-2 codes: '
        + 'no duplicates, neither the origin nor the destination country (422 invalid-reference otherwise)',
      example: ['SG'], type: [String], maxItems: MAX_TRANSIT_COUNTRIES, uniqueItems: true,
    }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(MAX_TRANSIT_COUNTRIES),
    ArrayUnique(),
    IsIn([...ISO_COUNTRIES], { each: true, message: 'each of $property must be an ISO 3166-1 alpha-2 country code' }),
  );

export class ShipAssetDto extends OccurredAtDto {
  @IdField('Destination facility', 'dc-frankfurt')
  toFacilityId!: string;

  @IdField('The carrier party taking custody', 'carrier-maersk')
  carrierId!: string;

  @LicenceReferenceField()
  exportLicence?: string;

  @OptionalTextField('Shipment or waybill reference', 'AWB-176-12345675', 100)
  shipmentRef?: string;

  @TransitCountriesField()
  transitCountries?: string[];
}
