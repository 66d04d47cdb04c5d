import { FACILITY_KINDS } from '@chip-ledger/domain';
import type { FacilityKind } from '@chip-ledger/domain';
import { CountryField, EnumField, IdField, TextField } from '../../http/dto-fields';

export class RegisterFacilityDto {
  @IdField('The facility\'s id in the ledger', 'dc-frankfurt')
  facilityId!: string;

  @TextField('Name', 'Nimbus Frankfurt DC2', 200)
  name!: string;

  @EnumField('What kind of site it is', FACILITY_KINDS, 'datacenter')
  kind!: FacilityKind;

  @CountryField('Where it is', 'DE')
  country!: string;

  @IdField('The party that runs it', 'cloud-nimbus')
  operatorId!: string;
}
