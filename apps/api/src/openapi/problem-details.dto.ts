import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { ApiSchemaOptions } from '@nestjs/swagger';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export class FieldErrorDto {
  @ApiProperty({ description: 'The field, query parameter or header at fault (nested fields are dotted)', example: 'occurredAt' })
  field!: string;

  @ApiProperty({ type: [String], example: ['occurredAt must be a valid ISO 8601 date string'] })
  messages!: string[];
}

/** Domain errors add their data as extensions (e.g. `assetId`), so a problem may carry more than these fields. */
@ApiSchema({
  name: 'ProblemDetails',
  description: 'RFC 9457 problem details: how every error leaves the API (as application/problem+json)',
  // Nest copies the schema options into the component; its type just does not list this keyword.
  additionalProperties: true,
} as ApiSchemaOptions)
export class ProblemDetailsDto {
  @ApiProperty({ description: 'A URI naming the kind of problem (about:blank for an unexpected error)', example: 'https://chip-ledger.dev/problems/asset-not-found' })
  type!: string;

  @ApiProperty({ description: 'The HTTP status phrase', example: 'Not Found' })
  title!: string;

  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 404 })
  status!: number;

  @ApiProperty({ description: 'What went wrong, for a human', example: 'Asset gpu-0001 not found' })
  detail!: string;

  @ApiPropertyOptional({
    description: 'The request path (and query) that failed; absent when the request was refused before its target was read (e.g. 431)',
    example: '/assets/gpu-0001',
  })
  instance?: string;

  @ApiProperty({ description: 'Stable, machine-readable code: branch on this, not on the text', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', example: 'asset-not-found' })
  code!: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'With validation-failed: each invalid field and why' })
  errors?: FieldErrorDto[];
}
