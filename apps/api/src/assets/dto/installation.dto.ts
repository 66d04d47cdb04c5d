import { OccurredAtDto, OptionalTextField, TextField } from '../../http/dto-fields';

export class InstallationDto extends OccurredAtDto {
  @TextField('Cluster it joins', 'fra-training-1', 100)
  cluster!: string;

  @OptionalTextField('Rack position', 'R12', 50)
  rack?: string;

  @OptionalTextField('Slot in the rack', 'U07', 50)
  slot?: string;
}
