import { OccurredAtDto, OptionalTextField, TextField } from '../../http/dto-fields';

export class DestructionDto extends OccurredAtDto {
  @TextField('Certificate of destruction', 'CoD-2026-0091', 100)
  certificateRef!: string;

  @OptionalTextField('How it was destroyed', 'shredded', 100)
  method?: string;
}
