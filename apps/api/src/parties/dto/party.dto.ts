import { ApiProperty } from '@nestjs/swagger';
import { ROLES } from '@chip-ledger/domain';
import type { Role } from '@chip-ledger/domain';
import type { PartyView } from '@chip-ledger/projections';

export class PartyDto implements PartyView {
  @ApiProperty({ example: 'cloud-nimbus' }) partyId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: readonly Role[];
  @ApiProperty({ description: 'Country of incorporation (ISO 3166-1 alpha-2)', example: 'DE' }) country!: string;
  @ApiProperty({ type: [String], description: 'Ids of its unrevoked API keys' }) activeKeyIds!: readonly string[];
}
