import { StoreUnavailable } from '@chip-ledger/event-store';
import { storeErrorKind } from './store-error-kind';

/** Shaped as better-sqlite3's errors. */
class SqliteError extends Error {
  override readonly name = 'SqliteError';
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

describe('storeErrorKind: which answers count as store errors, and as which kind', () => {
  it.each([
    ['store-unavailable', new StoreUnavailable('connect ECONNREFUSED'), 'unavailable'],
    ['storage-full', new SqliteError('database or disk is full', 'SQLITE_FULL'), 'full'],
    ['internal', new SqliteError('disk I/O error', 'SQLITE_IOERR'), 'SQLITE_IOERR'],
    ['internal', new TypeError('x is undefined'), null],
    ['asset-not-found', new Error('Asset x is not registered'), null],
    ['read-model-behind', new Error('behind'), null],
  ])('%s (%s) counts as %s', (code, error, kind) => {
    expect(storeErrorKind(code, error)).toBe(kind);
  });
});
