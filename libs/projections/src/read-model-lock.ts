import Database from 'better-sqlite3';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/** Another projector (in this process or another) is writing the read-model file. */
export class ReadModelsLocked extends Error {
  readonly code = 'read-models-locked';
  constructor(readonly file: string, readonly owner: string | null) {
    super(`Another projector is writing the read models in ${file}${owner ? ` (${owner})` : ''}: only one process may ` +
      'project into a read-model file. Stop it, or give this process a data directory of its own');
    this.name = 'ReadModelsLocked';
  }
}

/**
 * The right to write one read-model file. Two projectors on one file would each apply the log on top of the other's
 * rows (the unique-constraint crash a `cli rebuild` next to a serving API ran into), so a projector takes this first.
 *
 * The lock is an exclusive SQLite lock on `<file>.lock` (`locking_mode=EXCLUSIVE` plus one write: held until the
 * connection closes). The operating system drops it when its process dies, however it dies, so there is no stale
 * lock to detect and no pid that can be reused; and SQLite also refuses a second connection of the same process.
 * Nobody can read a database locked that way, so who holds it is written next to it in `<file>.lock.owner`, for the
 * error message only.
 */
export class ReadModelLock {
  private constructor(private readonly lockDb: Database.Database, private readonly ownerFile: string) {}

  /** Takes the lock at once or throws ReadModelsLocked (never waits). `holder` says who takes it, for the message. */
  static acquire(file: string, holder = 'a projection runner'): ReadModelLock {
    const lockFile = `${file}.lock`;
    const ownerFile = `${lockFile}.owner`;
    const lockDb = new Database(lockFile, { timeout: 0 });
    try {
      lockDb.pragma('locking_mode = EXCLUSIVE');
      lockDb.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS held (since TEXT); DELETE FROM held; INSERT INTO held VALUES (datetime()); COMMIT');
    } catch (error) {
      lockDb.close();
      if ((error as { code?: unknown }).code === 'SQLITE_BUSY') throw new ReadModelsLocked(file, readOwner(ownerFile));
      throw error;
    }
    writeFileSync(ownerFile, `pid ${process.pid}, ${holder}, since ${new Date().toISOString()}\n`);
    return new ReadModelLock(lockDb, ownerFile);
  }

  get held(): boolean {
    return this.lockDb.open;
  }

  release(): void {
    if (!this.lockDb.open) return;
    rmSync(this.ownerFile, { force: true });
    this.lockDb.close();
  }
}

const readOwner = (ownerFile: string): string | null => {
  try {
    return readFileSync(ownerFile, 'utf8').trim() || null;
  } catch {
    return null;
  }
};
