import { IdListField, OccurredAtDto } from '../../http/dto-fields';

export class PackAssetsDto extends OccurredAtDto {
  @IdListField('Assets to put into (or take out of) this container', ['gpu-0001', 'gpu-0002'])
  childIds!: string[];
}
