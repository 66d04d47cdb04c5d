import { OccurredAtDto, OptionalTextField } from '../../http/dto-fields';

export class CustomsClearanceDto extends OccurredAtDto {
  @OptionalTextField('Release reference issued by the agency', 'ATLAS-REL-2026-7781', 100)
  releaseRef?: string;
}
