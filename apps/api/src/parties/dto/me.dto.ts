import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ROLES } from '@chip-ledger/domain';
import type { Role } from '@chip-ledger/domain';
import type { PartyView } from '@chip-ledger/projections';

/** The caller: its party as the read side has it, which may not list a party registered a moment ago. */
export class MeDto implements Partial<PartyView> {
  @ApiProperty() partyId!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: readonly Role[];
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional() country?: string;
  @ApiPropertyOptional({ type: [String] }) activeKeyIds?: readonly string[];
}
