import type { EventStore } from '@chip-ledger/event-store';
import type { ProjectionRunnerOptions, ProjectionStatus } from './projection-runner';
import { ProjectionRunner } from './projection-runner';
import { READ_MODEL_TABLES, openReadModelDb } from './read-model-db';
import { ReadModelDirectory } from './read-model-directory';

const CATCH_UP_WAIT_MS = 30_000;

export type RebuildSummary = {
  /** The new generation, now current. */
  readonly file: string;
  /** The generation it replaced. */
  readonly previous: string;
  /** Whether the previous generation could be removed at once (not when a serving process still uses it: it removes it once moved). */
  readonly previousRemoved: boolean;
  readonly events: number;
  readonly durationMs: number;
  /** Rows per read-model table in the new generation. */
  readonly rows: Readonly<Record<string, number>>;
};

export type RebuildOptions = ProjectionRunnerOptions & {
  /** Called every `progressIntervalMs` (default 200) while the rebuild runs. */
  readonly onProgress?: (status: ProjectionStatus) => void;
  readonly progressIntervalMs?: number;
};

/**
 * Rebuilds the read models of a data directory without touching the generation being served: replays the whole log
 * into a new generation file (ReadModelDirectory), catches it up with whatever was written meanwhile, closes it (its
 * WAL folded into the file) and publishes it. A process serving the directory moves to it by itself (LiveReadModels);
 * with nothing serving it, the previous generation is removed here. Safe to run next to a serving API, on either
 * store; a second rebuild at the same time builds its own generation, and the last one published wins.
 */
export const rebuildReadModels = async (dataDir: string, store: EventStore, options: RebuildOptions = {}): Promise<RebuildSummary> => {
  const started = Date.now();
  const directory = new ReadModelDirectory(dataDir);
  const previous = directory.current();
  const file = directory.nextGeneration();
  const holder = 'cli rebuild';
  const db = openReadModelDb(file, { lockAs: holder });
  const runner = new ProjectionRunner(store, db, { holder, ...options });
  const { onProgress } = options;
  const reporter = onProgress ? setInterval(() => onProgress(runner.status()), options.progressIntervalMs ?? 200) : null;
  let rows: Record<string, number>;
  try {
    await runner.rebuild();
    // What was written while it ran, so that a serving process has little left to do when it moves (it does the
    // rest itself, so a store that stops answering now only leaves it more).
    runner.start();
    await runner.waitUntilCaughtUp(CATCH_UP_WAIT_MS);
    await runner.stop();
    onProgress?.(runner.status());
    rows = Object.fromEntries(READ_MODEL_TABLES.map((table) => [table,
      db.connection.prepare<[], number>(`SELECT count(*) FROM ${table}`).pluck().get() ?? 0]));
  } catch (error) {
    await runner.stop();
    db.close();
    throw error;
  } finally {
    if (reporter) clearInterval(reporter);
  }
  const events = runner.status().appliedEvents;
  db.close();
  directory.publish(file);
  const removed = directory.removeStale([file]);
  return { file, previous, previousRemoved: removed.includes(previous), events, durationMs: Date.now() - started, rows };
};
