import type { EventStore } from '@chip-ledger/event-store';
import { LedgerQueries } from './ledger-queries';
import type { ProjectionRunnerOptions } from './projection-runner';
import { ProjectionRunner } from './projection-runner';
import type { ReadModelDbOptions } from './read-model-db';
import { ReadModelDb } from './read-model-db';
import { ReadModelDirectory } from './read-model-directory';

export type LiveReadModelsOptions = {
  readonly runner?: ProjectionRunnerOptions;
  readonly db?: ReadModelDbOptions;
  /** How often the generation pointer is looked at. Default 500 ms. */
  readonly pollIntervalMs?: number;
  /** Told when moving to a new generation failed (it is tried again at the next look) or cleaning up failed. */
  readonly onError?: (error: unknown) => void;
};

type Generation = { readonly db: ReadModelDb; readonly queries: LedgerQueries };

/**
 * The read models a serving process answers from: the current generation of its data directory (ReadModelDirectory),
 * its queries, and the one runner that projects into it. When a rebuild publishes a new generation, the runner brings
 * it up to where the served one is and the queries move to it in the same turn of the event loop (see
 * ProjectionRunner.switchTo): readers see the old models until then, the new ones after, and never an empty or
 * half-built table. Then the old generation is closed and removed.
 */
export class LiveReadModels {
  readonly runner: ProjectionRunner;
  readonly directory: ReadModelDirectory;
  private generation: Generation;
  private watcher: NodeJS.Timeout | null = null;
  private moving: Promise<void> | null = null;
  private closed = false;
  private readonly onError: (error: unknown) => void;
  private readonly holder: string;

  /** Throws ReadModelsLocked when another process projects into the data directory's current generation. */
  constructor(dataDir: string, store: EventStore, private readonly options: LiveReadModelsOptions = {}) {
    this.directory = new ReadModelDirectory(dataDir);
    this.onError = options.onError ?? (() => undefined);
    this.holder = options.runner?.holder ?? 'serving';
    this.generation = this.open(this.directory.current());
    this.runner = new ProjectionRunner(store, this.generation.db, { ...options.runner, holder: this.holder });
  }

  get db(): ReadModelDb {
    return this.generation.db;
  }

  get queries(): LedgerQueries {
    return this.generation.queries;
  }

  /** Starts projecting, clears out generations left over, and starts watching for new ones. */
  start(): void {
    this.runner.start();
    this.cleanUp();
    const interval = this.options.pollIntervalMs ?? 500;
    this.watcher ??= setInterval(() => void this.moveIfPublished(), interval).unref();
  }

  /** Moves to the current generation if a rebuild published another one; resolves when done (or failed). */
  moveIfPublished(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.moving) return this.moving;
    let wanted: string;
    try {
      wanted = this.directory.current();
    } catch (error) {
      this.onError(error);
      return Promise.resolve();
    }
    if (wanted === this.generation.db.file) return Promise.resolve();
    this.moving = this.moveTo(wanted).finally(() => {
      this.moving = null;
    });
    return this.moving;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.watcher) clearInterval(this.watcher);
    this.watcher = null;
    await this.moving;
    await this.runner.stop();
    this.generation.db.close();
  }

  private async moveTo(file: string): Promise<void> {
    const previous = this.generation;
    let opened: Generation | null = null;
    try {
      await this.runner.switchTo(file, (name) => (opened = this.open(name)).db, (db) => {
        if (opened?.db === db) this.generation = opened;
      });
    } catch (error) {
      this.onError(error);
      return;
    }
    previous.db.close();
    this.cleanUp();
  }

  /** Locked before it is opened: see ReadModelDbOptions.lockAs. */
  private open(file: string): Generation {
    const db = new ReadModelDb(file, { ...this.options.db, lockAs: this.holder });
    return { db, queries: new LedgerQueries(db) };
  }

  private cleanUp(): void {
    try {
      this.directory.removeStale([this.generation.db.file]);
    } catch (error) {
      this.onError(error);
    }
  }
}
