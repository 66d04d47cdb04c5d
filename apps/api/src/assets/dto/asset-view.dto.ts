import { ApiProperty } from '@nestjs/swagger';
import { ASSET_KINDS, ASSET_STATUSES } from '@chip-ledger/domain';
import type { AssetFlag, AssetKind, AssetStatus, CustomsHold, Installation, Shipment } from '@chip-ledger/domain';
import type { AssetDetail, AssetView } from '@chip-ledger/projections';

/** Keyed by flag, so a new flag in the domain makes the compiler ask for its meaning here. */
const FLAG_MEANINGS = {
  diverted: 'received somewhere other than the shipment\'s destination',
  'location-mismatch': 'observed somewhere other than where the ledger had it',
  'was-missing': 'reported missing at some point',
} satisfies Record<AssetFlag, string>;

const NullableId = (description: string) => ApiProperty({ type: String, nullable: true, description });

export class ShipmentDto implements Shipment {
  @ApiProperty() fromFacilityId!: string;
  @ApiProperty() toFacilityId!: string;
  @ApiProperty() carrierId!: string;
  @ApiProperty({ example: 'TW', description: 'Country it leaves (ISO 3166-1 alpha-2)' }) originCountry!: string;
  @ApiProperty({ example: 'DE', description: 'Country it is bound for (ISO 3166-1 alpha-2)' }) destinationCountry!: string;
  @ApiProperty({ description: 'Whether it leaves the country it starts in' }) crossBorder!: boolean;
  @NullableId('Export licence reference, as declared') exportLicence!: string | null;
  @ApiProperty({ type: [String], example: ['SG'], description: 'Declared transit countries, in order (ISO 3166-1 alpha-2)' })
  transitCountries!: readonly string[];
}

/** Named apart from the request body CustomsHoldDto: the document keys schemas by class name, and one would replace the other. */
export class AssetCustomsHoldDto implements CustomsHold {
  @ApiProperty({ description: 'The customs agency holding it' }) agencyId!: string;
  @ApiProperty({ example: 'DE' }) country!: string;
  @ApiProperty() reason!: string;
}

export class AssetInstallationDto implements Installation {
  @ApiProperty({ example: 'fra-train-1' }) cluster!: string;
  @NullableId('Rack position') rack!: string | null;
  @NullableId('Slot in the rack') slot!: string | null;
}

/** An asset as the world sees it: a packed asset is wherever its outermost container (`rootId`) is. */
export class AssetViewDto implements AssetView {
  @ApiProperty({ example: 'gpu-0001' }) assetId!: string;
  @ApiProperty({ enum: ASSET_KINDS }) kind!: AssetKind;
  @ApiProperty({ example: 'nvidia-h100-sxm' }) model!: string;
  @NullableId('Manufacturer\'s serial number') serialNumber!: string | null;
  @ApiProperty() manufacturerId!: string;
  @ApiProperty({ enum: ASSET_STATUSES, description: 'Effective status (that of the outermost container when packed)' }) status!: AssetStatus;
  @ApiProperty({ enum: ASSET_STATUSES, description: 'The asset\'s own status (frozen while packed)' }) ownStatus!: AssetStatus;
  @NullableId('Facility where it is; null in transit or missing') facilityId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Country of the facility (ISO 3166-1 alpha-2)', example: 'DE' }) country!: string | null;
  @ApiProperty({ description: 'Legal owner' }) ownerId!: string;
  @ApiProperty({ description: 'Who physically holds it (for packed assets, whoever holds the outermost container)' }) custodianId!: string;
  @NullableId('Direct container') parentId!: string | null;
  @ApiProperty({ description: 'Outermost container, or the asset itself' }) rootId!: string;
  @ApiProperty({
    enum: Object.keys(FLAG_MEANINGS), isArray: true,
    description: `Sticky flags: ${Object.entries(FLAG_MEANINGS).map(([flag, meaning]) => `${flag} (${meaning})`).join('; ')}`,
  }) flags!: readonly AssetFlag[];
  @ApiProperty({ type: () => AssetCustomsHoldDto, nullable: true }) customsHold!: AssetCustomsHoldDto | null;
  @ApiProperty({ type: () => ShipmentDto, nullable: true }) shipment!: ShipmentDto | null;
  @ApiProperty({ type: () => AssetInstallationDto, nullable: true }) installation!: AssetInstallationDto | null;
  @ApiProperty({ description: 'The last event on the asset\'s own stream', example: 'AssetShipped' }) lastEventType!: string;
  @ApiProperty({ format: 'date-time' }) lastOccurredAt!: string;
  @ApiProperty({ format: 'date-time' }) lastRecordedAt!: string;
  @ApiProperty({ example: '1042' }) lastPosition!: string;
  @ApiProperty({ type: 'integer', description: 'Revision of the asset\'s own stream: send it quoted as If-Match', example: 3 }) revision!: number;
}

export class AssetDetailDto extends AssetViewDto implements AssetDetail {
  @ApiProperty({ type: [String], description: 'Direct contents' }) childIds!: readonly string[];
}
