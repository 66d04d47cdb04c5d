import type Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Storage that runs out of space for real, for tests of a full disk.
 *
 * As root where mounting is permitted, a 4 MB tmpfs: `fill()` writes a ballast file until the kernel answers ENOSPC,
 * `free()` deletes it; SQLite meets the full disk exactly as it would in production. Elsewhere (not root, a container
 * without mount rights) a plain directory, and `fill()` caps each SQLite connection given at its current size with
 * `PRAGMA max_page_count`, which makes SQLite itself answer SQLITE_FULL for any write that needs a new page; `free()`
 * lifts the cap. `dispose()` unmounts: no mount outlives the test.
 */
export type SmallDisk = {
  /** A directory on the small disk, for the data. */
  readonly dir: string;
  readonly kind: 'tmpfs' | 'page-limit';
  /** No space from now on. `connections`: the SQLite connections on `dir` (used only without a tmpfs). */
  fill(connections: readonly Database.Database[]): void;
  free(connections: readonly Database.Database[]): void;
  dispose(): void;
};

const SQLITE_MAX_PAGE_COUNT = 4_294_967_294;

const tryMount = (mountPoint: string): boolean => {
  // SMALL_DISK=page-limit runs the variant a non-root user gets, as root.
  if (process.platform !== 'linux' || process.getuid?.() !== 0 || process.env.SMALL_DISK === 'page-limit') return false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', mountPoint], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

export const smallDisk = (): SmallDisk => {
  const mountPoint = mkdtempSync(join(tmpdir(), 'chip-ledger-small-disk-'));
  const mounted = tryMount(mountPoint);
  const dir = join(mountPoint, 'data');
  mkdirSync(dir);
  const ballast = join(mountPoint, 'ballast');
  return {
    dir,
    kind: mounted ? 'tmpfs' : 'page-limit',
    fill(connections) {
      if (!mounted) {
        for (const db of connections) db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
        return;
      }
      const fd = openSync(ballast, 'a');
      try {
        for (const size of [1 << 16, 4096, 512, 1]) {
          const chunk = Buffer.alloc(size, 1);
          try {
            for (;;) writeSync(fd, chunk);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          }
        }
      } finally {
        closeSync(fd);
      }
    },
    free(connections) {
      if (!mounted) {
        for (const db of connections) db.pragma(`max_page_count = ${SQLITE_MAX_PAGE_COUNT}`);
        return;
      }
      rmSync(ballast, { force: true });
    },
    dispose() {
      if (mounted) execFileSync('umount', ['--lazy', mountPoint], { stdio: 'ignore' });
      rmSync(mountPoint, { recursive: true, force: true });
    },
  };
};
