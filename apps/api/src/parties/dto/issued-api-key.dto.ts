import { ApiProperty } from '@nestjs/swagger';

export class IssuedApiKeyDto {
  @ApiProperty()
  keyId!: string;

  @ApiProperty({ description: 'The key itself. Shown once: only its hash is kept.' })
  apiKey!: string;

  @ApiProperty({ description: 'Global position of the ApiKeyIssued event' })
  position!: string | null;
}
