import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { StoreUnavailable } from '../event-store.errors';
import { prepareSchema } from './sqlite-schema';
import { sqliteStorageFailure } from './sqlite-storage-errors';

export type SqliteSynchronous = 'NORMAL' | 'FULL';

/** `PRAGMA synchronous` answers with a number. */
const SYNCHRONOUS_LEVELS: Readonly<Record<number, SqliteSynchronous>> = { 1: 'NORMAL', 2: 'FULL' };

/**
 * The store's one connection to its file, in WAL mode, with the schema prepared, and what every part of the store
 * checks around it: open, still the file it opened, and storage failures translated to the port's errors.
 */
export class SqliteConnection {
  readonly db: Database.Database;
  /** The connection's `synchronous`, as SQLite reports it once set. */
  readonly synchronous: SqliteSynchronous;
  /** The file opened: a write after it was deleted or replaced would land in an unlinked inode and be lost. */
  private readonly opened: { readonly dev: number; readonly ino: number } | null;

  constructor(readonly file: string, synchronous: SqliteSynchronous | undefined) {
    this.db = new Database(file);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
      this.synchronous = SYNCHRONOUS_LEVELS[this.db.pragma('synchronous', { simple: true }) as number] ?? 'NORMAL';
      prepareSchema(this.db);
    } catch (error) {
      this.db.close();
      throw error;
    }
    const stat = statSync(file, { throwIfNoEntry: false });
    this.opened = stat ? { dev: stat.dev, ino: stat.ino } : null;
  }

  ensureOpen(): void {
    if (!this.db.open) throw new StoreUnavailable(`The SQLite event store ${this.file} is closed`);
  }

  /**
   * SQLite keeps writing to a file deleted (or replaced) under it, and in WAL mode does not notice: those writes would
   * vanish with the process. One stat per commit (a group's, with group commit) refuses them instead.
   */
  ensureInPlace(): void {
    if (!this.opened) return;
    const now = statSync(this.file, { throwIfNoEntry: false });
    if (!now || now.ino !== this.opened.ino || now.dev !== this.opened.dev) {
      throw new StoreUnavailable(`The SQLite event store ${this.file} was deleted or replaced while open; nothing was written`,
        undefined, { nothingWritten: true });
    }
  }

  /** Storage failures (no space, I/O, a file gone, another connection's lock) become the port's errors; others pass. */
  translate(error: unknown): unknown {
    return sqliteStorageFailure(error, `The SQLite event store ${this.file}`) ?? error;
  }
}
