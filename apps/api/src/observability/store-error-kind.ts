/** The problem codes that mean storage failed, and the kind each counts as. */
const KIND_BY_PROBLEM_CODE: Readonly<Record<string, string>> = {
  'store-unavailable': 'unavailable',
  'storage-full': 'full',
};

/**
 * Which kind of storage failure an error answer came from, or null when it was not one: from its problem code
 * (the store could not be reached or used; no space left), or, for an error nothing classified, the SQLite
 * result code it carries (e.g. SQLITE_IOERR from a read model).
 */
export const storeErrorKind = (problemCode: string, error: unknown): string | null => {
  const kind = KIND_BY_PROBLEM_CODE[problemCode];
  if (kind) return kind;
  if (error instanceof Error && error.name === 'SqliteError') {
    const code = (error as Error & { code?: unknown }).code;
    return typeof code === 'string' ? code : 'sqlite';
  }
  return null;
};
