import { CountryField, OccurredAtDto, TextField } from '../../http/dto-fields';

export class CustomsHoldDto extends OccurredAtDto {
  @CountryField('Country of the border where it is held', 'DE')
  country!: string;

  @TextField('Why it is held', 'Export licence under review')
  reason!: string;
}
