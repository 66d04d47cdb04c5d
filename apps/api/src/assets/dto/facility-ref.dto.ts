import { IdField, OccurredAtDto } from '../../http/dto-fields';

/** Receiving and recovering name only where it happened. */
export class FacilityRefDto extends OccurredAtDto {
  @IdField('The facility where it happened', 'dc-frankfurt')
  facilityId!: string;
}
