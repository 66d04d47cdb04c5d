import { ApiProperty } from '@nestjs/swagger';

export class IssuedApiKeyDto {
  @ApiProperty({ description: 'Id of the key, to revoke it' })
  keyId!: string;

  @ApiProperty({ description: 'The key itself, an opaque secret. Shown once: only its hash is kept.', example: 'cl_...' })
  apiKey!: string;

  @ApiProperty({ type: String, nullable: true, description: 'Global position of the ApiKeyIssued event: pass it as ?position= to read it back' })
  position!: string | null;
}
