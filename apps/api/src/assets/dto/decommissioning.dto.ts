import { OccurredAtDto, TextField } from '../../http/dto-fields';

export class DecommissioningDto extends OccurredAtDto {
  @TextField('Why it leaves service', 'End of life: uncorrectable memory errors')
  reason!: string;
}
