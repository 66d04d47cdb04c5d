import type { PipeTransform } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { ID_PATTERN } from '@chip-ledger/domain';
import { RequestValidationFailed } from './validation';

export const ID_FORMAT_MESSAGE = 'must be 1–128 letters, digits or . _ : - and start with a letter or digit';

/** Path ids must be safe as stream names; anything else is refused before it reaches a store. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: { data?: string }): string {
    if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
      throw new RequestValidationFailed([{ field: metadata.data ?? 'id', messages: [`${metadata.data ?? 'id'} ${ID_FORMAT_MESSAGE}`] }]);
    }
    return value;
  }
}
