import { ApiProperty } from '@nestjs/swagger';
import { FACILITY_KINDS } from '@chip-ledger/domain';
import type { FacilityKind } from '@chip-ledger/domain';
import type { FacilityView } from '@chip-ledger/projections';

export class FacilityDto implements FacilityView {
  @ApiProperty({ example: 'dc-frankfurt' }) facilityId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: FACILITY_KINDS }) kind!: FacilityKind;
  @ApiProperty({ description: 'ISO 3166-1 alpha-2', example: 'DE' }) country!: string;
  @ApiProperty({ description: 'The party that runs it' }) operatorId!: string;
}
