import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '@chip-ledger/event-store';
import { openSqliteEventStore } from '@chip-ledger/event-store';
import { LedgerQueries } from '../ledger-queries';
import type { ProjectionRunnerOptions } from '../projection-runner';
import { ProjectionRunner } from '../projection-runner';
import type { ReadModelDb } from '../read-model-db';
import { READ_MODEL_TABLES, openReadModelDb } from '../read-model-db';

/** Opens the store a TempLedger writes to and projects from, given its temporary directory. */
export type StoreFactory = (dir: string) => EventStore;

/** The embedded store, in a file in the directory. */
export const embeddedStoreIn: StoreFactory = (dir) => openSqliteEventStore({ file: join(dir, 'events.sqlite'), pollIntervalMs: 50 });

/**
 * A temporary directory holding read-model files and (by default) an embedded event store file; `cleanUp` stops the
 * runners, closes the store and removes it. Another store (e.g. EventStoreDB) comes from `openStore`.
 */
export class TempLedger {
  readonly dir = mkdtempSync(join(tmpdir(), 'chip-ledger-projections-'));
  readonly store: EventStore;
  private readonly opened: ReadModelDb[] = [];
  private readonly runners: ProjectionRunner[] = [];

  constructor(openStore: StoreFactory = embeddedStoreIn) {
    this.store = openStore(this.dir);
  }

  /** A read-model file in the directory (opened again if it exists). */
  readModels(name = 'read-models.sqlite'): ReadModelDb {
    const db = openReadModelDb(join(this.dir, name));
    this.opened.push(db);
    return db;
  }

  runner(db: ReadModelDb, options: ProjectionRunnerOptions = {}, store: EventStore = this.store): ProjectionRunner {
    const runner = new ProjectionRunner(store, db, options);
    this.runners.push(runner);
    return runner;
  }

  /** A store, read models, a started runner and queries over them. */
  readSide(name?: string, options: ProjectionRunnerOptions = {}): { db: ReadModelDb; runner: ProjectionRunner; queries: LedgerQueries } {
    const db = this.readModels(name);
    const runner = this.runner(db, options);
    runner.start();
    return { db, runner, queries: new LedgerQueries(db) };
  }

  async cleanUp(): Promise<void> {
    for (const runner of this.runners) await runner.stop();
    await this.store.close();
    for (const db of this.opened) db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Every read-model row, each table's rows sorted: equal dumps mean equal read models. Wall-clock columns left out. */
export const dumpReadModels = (db: ReadModelDb): Record<string, string[]> => {
  const dump: Record<string, string[]> = {};
  for (const table of READ_MODEL_TABLES) {
    const rows = db.connection.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[];
    dump[table] = rows.map((row) => {
      const { updated_at: _wallClock, ...rest } = row;
      return JSON.stringify(rest);
    }).sort();
  }
  return dump;
};
