import { StoreFull, StoreUnavailable } from '../event-store.errors';

/**
 * better-sqlite3 errors carry SQLite's extended result code as text. These say the storage failed, not the statement:
 * the transaction was rolled back, so nothing was written.
 * - SQLITE_FULL: no space (the disk, ENOSPC, or a page-count limit).
 * - SQLITE_IOERR_*, SQLITE_CANTOPEN_*: the file cannot be read, written or synced (a disk gone, a mount lost).
 * - SQLITE_READONLY_*: writing is no longer possible (the file was deleted or moved while open, made read-only).
 * - SQLITE_CORRUPT_*, SQLITE_NOTADB: the file is not (or no longer) a database.
 * - SQLITE_BUSY_*, SQLITE_LOCKED_*: another connection holds the lock beyond the busy timeout.
 */
const UNAVAILABLE = ['SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_BUSY', 'SQLITE_LOCKED'];

const sqliteCodeOf = (error: unknown): string | null => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
};

const isCode = (code: string, family: string): boolean => code === family || code.startsWith(`${family}_`);

/**
 * The port's error for a SQLite storage failure on `file` (the event store's or a read model's), or null when the
 * error is something else (a constraint, a bug) and must pass as it is.
 */
export const sqliteStorageFailure = (error: unknown, file: string): StoreFull | StoreUnavailable | null => {
  if (error instanceof StoreFull || error instanceof StoreUnavailable) return error;
  const code = sqliteCodeOf(error);
  if (code === null) return null;
  if (isCode(code, 'SQLITE_FULL')) return new StoreFull(`${file} has no space left (${code}); nothing was written`, error);
  if (UNAVAILABLE.some((family) => isCode(code, family))) {
    return new StoreUnavailable(`${file} cannot be used (${code}); nothing was written`, error, { nothingWritten: true });
  }
  return null;
};
