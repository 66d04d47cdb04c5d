import { closeSync, fsyncSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ReadModelLock, ReadModelsLocked } from './read-model-lock';

/** The file a data directory's read models start in, and stay in until a first rebuild. */
export const FIRST_READ_MODEL_FILE = 'read-models.sqlite';
/** Names the generation readers use: its content is a file name in the directory. */
export const CURRENT_GENERATION_POINTER = 'read-models.current';

const GENERATION = /^read-models\.(\d+)\.sqlite$/;
const SIDE_FILES = ['-wal', '-shm', '-journal', '.lock', '.lock.owner', '.lock-journal'];

/**
 * The read-model files of a data directory. A rebuild never empties the file being served: it builds a new
 * generation next to it (`read-models.<n>.sqlite`, n one more than any before), and publishes it by replacing the
 * pointer `read-models.current` (written to a temporary file, synced, renamed over: atomic on POSIX). Without a
 * pointer the generation is `read-models.sqlite`, so a directory from before generations, or one never rebuilt, is
 * read as it is. A process serving the directory notices the new pointer and moves to it (LiveReadModels).
 * A generation that is no longer current is removed by whoever can lock it: the rebuild when nothing serves the
 * directory, else the serving process once it has moved; leftovers of a crash go the next time either looks.
 */
export class ReadModelDirectory {
  constructor(readonly dir: string) {}

  /** The file readers should use now. */
  current(): string {
    let name: string;
    try {
      name = readFileSync(join(this.dir, CURRENT_GENERATION_POINTER), 'utf8').trim();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return join(this.dir, FIRST_READ_MODEL_FILE);
      throw error;
    }
    if (!GENERATION.test(name) && name !== FIRST_READ_MODEL_FILE) {
      throw new Error(`${join(this.dir, CURRENT_GENERATION_POINTER)} names ${JSON.stringify(name)}, not a read-model file`);
    }
    return join(this.dir, name);
  }

  /** A file for a new generation, numbered past every generation in the directory and the current one. */
  nextGeneration(): string {
    const numbers = [basename(this.current()), ...readdirSync(this.dir)]
      .map((name) => GENERATION.exec(name)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number);
    return join(this.dir, `read-models.${Math.max(0, ...numbers) + 1}.sqlite`);
  }

  /** Makes `file` (complete, closed) the current generation. */
  publish(file: string): void {
    const pointer = join(this.dir, CURRENT_GENERATION_POINTER);
    const temporary = `${pointer}.${process.pid}.tmp`;
    writeFileSync(temporary, `${basename(file)}\n`);
    syncPath(temporary, 'r+');
    renameSync(temporary, pointer);
    syncPath(this.dir, 'r');
  }

  /**
   * Removes every generation other than the current one and `keep` that no projector holds (a serving process still
   * on the previous generation holds it: it removes that one itself once it has moved). Answers what it removed.
   */
  removeStale(keep: readonly string[] = []): string[] {
    const current = this.current();
    const removed: string[] = [];
    const candidates = readdirSync(this.dir)
      .filter((name) => GENERATION.test(name) || name === FIRST_READ_MODEL_FILE)
      .map((name) => join(this.dir, name))
      .filter((file) => file !== current && !keep.includes(file));
    for (const file of candidates) {
      let lock: ReadModelLock;
      try {
        lock = ReadModelLock.acquire(file, 'removing a superseded read-model generation');
      } catch (error) {
        if (error instanceof ReadModelsLocked) continue;
        throw error;
      }
      this.removeFiles(file, lock);
      removed.push(file);
    }
    return removed;
  }

  /** Deletes a generation's file and side files; `lock` (held by the caller) is released on the way. */
  removeFiles(file: string, lock: ReadModelLock): void {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
    lock.release();
    for (const suffix of SIDE_FILES) rmSync(`${file}${suffix}`, { force: true });
  }
}

const syncPath = (path: string, flags: string): void => {
  const fd = openSync(path, flags);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
};
