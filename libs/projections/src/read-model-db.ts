import Database from 'better-sqlite3';
import { ReadModelLock } from './read-model-lock';
import type { SecondaryIndex } from './read-models/read-model';
import { READ_MODELS } from './read-models/read-models';

/**
 * Read-model schema. Read models are disposable (the log is the truth), so a schema change is a version bump: a file
 * at another version has its read models dropped and recreated, its checkpoint with them, and the runner replays the
 * log from the start. Version 0 is a new file.
 */
export const READ_MODEL_SCHEMA_VERSION = 6;

/** The projector's own tables, next to the read models': where it is in the log, and claims waiting for their commit. */
const PROJECTOR_SCHEMA = `
  -- The last global position applied, written in the same transaction as the read-model changes it covers.
  CREATE TABLE projection_checkpoint (
    name TEXT NOT NULL PRIMARY KEY,
    commit_position TEXT NOT NULL,
    prepare_position TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );

  -- Claims of multi-stream commands seen before their commit (docs/adr/0001-multi-stream-commands.md): applied just
  -- before the commit, dropped on a release. Kept with the checkpoint, which may pass them.
  CREATE TABLE pending_claims (
    command_id TEXT NOT NULL,
    pos_commit TEXT NOT NULL,
    pos_prepare TEXT NOT NULL,
    event TEXT NOT NULL,
    PRIMARY KEY (command_id, pos_commit, pos_prepare)
  );
`;

/** Every table of the file, read models' first, in a stable order (a rebuild empties them; tests dump them). */
export const READ_MODEL_TABLES: readonly string[] = [...READ_MODELS.flatMap((model) => model.tables), 'projection_checkpoint', 'pending_claims'];

const SCHEMA = [...READ_MODELS.map((model) => model.schema), PROJECTOR_SCHEMA].join('\n');

/**
 * The indexes a rebuild of more than one batch drops and builds again at its end: sorting once is much cheaper than
 * keeping them up to date batch after batch (measured on a 200k-event history, 10 batches: 7.1 s with them, 5.35 s
 * without plus 0.42 s to build them; on a one-batch history it is about even). Any missing one is created when the
 * file is opened, so a rebuild cut short leaves nothing without its index.
 */
const SECONDARY_INDEXES: readonly SecondaryIndex[] = READ_MODELS.flatMap((model) => model.secondaryIndexes ?? []);

const createSecondaryIndexes = (db: Database.Database): void => {
  for (const { name, on, unique } of SECONDARY_INDEXES) db.exec(`CREATE ${unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${name} ON ${on}`);
};

export type ReadModelDbOptions = {
  /** NORMAL (default): a crash loses no committed batch in WAL mode; read models can always be rebuilt anyway. */
  readonly synchronous?: 'OFF' | 'NORMAL' | 'FULL';
  /** Page cache, in MiB. Default 64 (a rebuild writes with less: BULK_LOAD_CACHE_MB). */
  readonly cacheMb?: number;
  /**
   * Set: this connection is the file's writer. Its ReadModelLock is taken before the file is even opened (opening
   * migrates, which must not happen under another process's feet) and released by close(); the value names the
   * holder in another projector's error. Unset: a runner on this file takes the lock when it starts writing.
   */
  readonly lockAs?: string;
};

/**
 * The page cache while a rebuild writes without its secondary indexes. It then mostly appends: what it needs cached is
 * the pages being filled and the paths down the trees it inserts into, not the pages it wrote batches ago, which a
 * full-size cache keeps until it is full, and the process keeps that memory after the cache is done with it. With this
 * and maxCachedAssets at 5k, RSS after rebuilding the bench's 10× history went from 380 to 140-166 MB (1× history:
 * 169 -> 132-150 MB), rebuild time unchanged; the asset cache alone took it to ~211 MB.
 */
const BULK_LOAD_CACHE_MB = 16;

const cacheSizePragma = (mb: number): string => `cache_size = -${mb * 1024}`;

/** A rebuild's way of writing (ReadModelDb.enterBulkLoad): between batches `dropIndexes`, at the end `leave`. */
export type BulkLoad = { readonly dropIndexes: () => void; readonly leave: () => void };

/** The read-model file: one connection (WAL), shared by the projection runner (writer) and the queries (readers). */
export class ReadModelDb {
  readonly connection: Database.Database;
  private readonly synchronous: 'OFF' | 'NORMAL' | 'FULL';
  private readonly cacheMb: number;
  private readonly lock: ReadModelLock | null;

  constructor(readonly file: string, options: ReadModelDbOptions = {}) {
    this.lock = options.lockAs === undefined ? null : ReadModelLock.acquire(file, options.lockAs);
    try {
      this.connection = new Database(file);
    } catch (error) {
      this.lock?.release();
      throw error;
    }
    this.synchronous = options.synchronous ?? 'NORMAL';
    this.cacheMb = options.cacheMb ?? 64;
    try {
      this.connection.pragma('journal_mode = WAL');
      this.connection.pragma(`synchronous = ${this.synchronous}`);
      this.connection.pragma(cacheSizePragma(this.cacheMb));
      this.connection.pragma('temp_store = MEMORY');
      migrate(this.connection);
      this.connection.transaction(() => createSecondaryIndexes(this.connection))();
    } catch (error) {
      this.connection.close();
      this.lock?.release();
      throw error;
    }
  }

  get open(): boolean {
    return this.connection.open;
  }

  /** This connection holds the file's writer lock (opened with `lockAs`, not closed yet). */
  get locked(): boolean {
    return this.lock?.held ?? false;
  }

  /**
   * For a full rebuild (emptied tables, a few large transactions): a rollback journal (TRUNCATE, synchronous FULL)
   * instead of WAL, so each page is written once rather than to the WAL and again by the checkpoint (measured: the
   * commit of a 20k-event rebuild batch 75 -> 35 ms), and, once `dropIndexes` is called, no secondary indexes until
   * the end (SECONDARY_INDEXES but those the projector reads through), and meanwhile a small page cache
   * (BULK_LOAD_CACHE_MB): without them it mostly appends.
   * Still crash-safe: a transaction cut short is rolled back from the journal on the next open, a new pages' journal
   * costs nothing, and opening the file creates any index missing. Leaving WAL needs the file to itself: when another
   * connection has it open this does nothing (at once, without waiting) and the rebuild runs as before, in WAL and
   * with its indexes (that reader's queries keep them).
   * `leave` builds the indexes dropped and puts WAL and the configured synchronous back (it throws if WAL cannot be
   * restored, e.g. the file is locked by another process's reader for longer than the busy timeout; the journal stays
   * crash-safe meanwhile).
   */
  enterBulkLoad(): BulkLoad {
    const db = this.connection;
    const timeout = db.pragma('busy_timeout', { simple: true }) as number;
    let mode: unknown;
    try {
      db.pragma('busy_timeout = 0');
      mode = db.pragma('journal_mode = TRUNCATE', { simple: true });
    } catch {
      mode = null; // SQLITE_BUSY: another connection has the file open
    } finally {
      db.pragma(`busy_timeout = ${timeout}`);
    }
    if (mode !== 'truncate') return { dropIndexes: () => undefined, leave: () => undefined };
    db.pragma('synchronous = FULL');
    let dropped = false;
    return {
      dropIndexes: () => {
        if (dropped || !db.open) return;
        dropped = true;
        db.transaction(() => {
          for (const { name, projectorReads } of SECONDARY_INDEXES) if (!projectorReads) db.exec(`DROP INDEX IF EXISTS ${name}`);
        })();
        db.pragma(cacheSizePragma(Math.min(BULK_LOAD_CACHE_MB, this.cacheMb)));
      },
      leave: () => {
        if (!db.open) return;
        if (dropped) db.transaction(() => createSecondaryIndexes(db))();
        db.pragma(cacheSizePragma(this.cacheMb));
        db.pragma(`synchronous = ${this.synchronous}`);
        db.pragma('journal_mode = WAL');
      },
    };
  }

  close(): void {
    if (this.connection.open) this.connection.close();
    this.lock?.release();
  }
}

export const openReadModelDb = (file: string, options: ReadModelDbOptions = {}): ReadModelDb => new ReadModelDb(file, options);

const migrate = (db: Database.Database): void => {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === READ_MODEL_SCHEMA_VERSION) return;
  if (version > READ_MODEL_SCHEMA_VERSION) {
    throw new Error(`Read-model file is at schema ${version}, newer than this build's ${READ_MODEL_SCHEMA_VERSION}: use a newer build`);
  }
  db.transaction(() => {
    const tables = db.prepare<[], { name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all();
    for (const { name } of tables) db.exec(`DROP TABLE "${name.replace(/"/g, '""')}"`);
    db.exec(SCHEMA);
    db.pragma(`user_version = ${READ_MODEL_SCHEMA_VERSION}`);
  })();
};
