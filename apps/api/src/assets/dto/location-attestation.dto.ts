import { IdField, OccurredAtDto, TextField } from '../../http/dto-fields';

export class LocationAttestationDto extends OccurredAtDto {
  @IdField('Where the asset was observed', 'dc-frankfurt')
  observedFacilityId!: string;

  @TextField('How: inspection, delay-based location check, ...', 'inspection', 100)
  method!: string;
}
