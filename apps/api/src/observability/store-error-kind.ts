import { StoreUnavailable } from '@chip-ledger/event-store';

/**
 * Which kind of storage failure an error answer came from, or null when it was not one: the event store could not
 * be reached, or SQLite (the embedded store or the read models) failed with a result code such as SQLITE_FULL.
 */
export const storeErrorKind = (error: unknown): string | null => {
  if (error instanceof StoreUnavailable) return 'unavailable';
  if (error instanceof Error && error.name === 'SqliteError') {
    const code = (error as Error & { code?: unknown }).code;
    return typeof code === 'string' ? code : 'sqlite';
  }
  return null;
};
