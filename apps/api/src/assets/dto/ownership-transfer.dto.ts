import { IdField, OccurredAtDto, OptionalBooleanField, OptionalTextField } from '../../http/dto-fields';

export class OwnershipTransferDto extends OccurredAtDto {
  @IdField('The new owner', 'cloud-nimbus')
  toOwnerId!: string;

  @OptionalTextField('Contract or invoice reference', 'PO-2026-1187', 100)
  contractRef?: string;

  @OptionalBooleanField('Transfer the contents the seller owns along with a container (default true)')
  includeContents?: boolean;
}
