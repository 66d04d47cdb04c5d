import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn } from 'class-validator';
import { ROLES } from '@chip-ledger/domain';
import type { Role } from '@chip-ledger/domain';
import { CountryField, IdField, TextField } from '../../http/dto-fields';

export class RegisterPartyDto {
  @IdField('The party\'s id in the ledger', 'cloud-nimbus')
  partyId!: string;

  @TextField('Legal name', 'Nimbus Cloud GmbH', 200)
  name!: string;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['operator'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES as unknown as string[], { each: true })
  roles!: Role[];

  @CountryField('Country of incorporation', 'DE')
  country!: string;
}
