import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'chip-ledger:public';

/** Routes anyone may call without a key: health and the API docs. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
