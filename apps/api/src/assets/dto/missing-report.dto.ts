import { OccurredAtDto, TextField } from '../../http/dto-fields';

export class MissingReportDto extends OccurredAtDto {
  @TextField('What is known of the loss', 'Not found at the quarterly inventory count')
  circumstances!: string;
}
