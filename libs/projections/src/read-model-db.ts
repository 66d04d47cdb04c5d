import Database from 'better-sqlite3';
import { ReadModelLock } from './read-model-lock';

/**
 * Read-model schema. Read models are disposable (the log is the truth), so a schema change is a version bump: a file
 * at another version has its read models dropped and recreated, its checkpoint with them, and the runner replays the
 * log from the start. Version 0 is a new file.
 */
export const READ_MODEL_SCHEMA_VERSION = 3;

/** Tables the projection owns, in a stable order (rebuild truncates these; tests dump them). */
export const READ_MODEL_TABLES = [
  'assets', 'asset_events', 'timeline', 'asset_parties', 'facility_inventory', 'parties', 'facilities', 'api_keys',
  'projection_checkpoint', 'pending_claims',
] as const;
export type ReadModelTable = (typeof READ_MODEL_TABLES)[number];

const SCHEMA = `
  -- Current state of every asset. Effective columns (status, facility_id, country, custodian_id, shipment,
  -- customs_hold, installation) are what the world sees: a packed asset takes them from its outermost container.
  -- own_* columns are the asset's own (frozen while packed) state, kept so the projection can resume from the file.
  CREATE TABLE assets (
    asset_id TEXT NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    model TEXT NOT NULL,
    serial_number TEXT,
    manufacturer_id TEXT NOT NULL,
    status TEXT NOT NULL,
    own_status TEXT NOT NULL,
    facility_id TEXT,
    country TEXT,
    owner_id TEXT NOT NULL,
    custodian_id TEXT NOT NULL,
    parent_id TEXT,
    root_id TEXT NOT NULL,
    flags TEXT NOT NULL,
    customs_hold TEXT,
    shipment TEXT,
    installation TEXT,
    own_facility_id TEXT,
    own_custodian_id TEXT NOT NULL,
    own_customs_hold TEXT,
    own_shipment TEXT,
    own_installation TEXT,
    last_event_type TEXT NOT NULL,
    last_occurred_at TEXT NOT NULL,
    last_recorded_at TEXT NOT NULL,
    last_position TEXT NOT NULL,
    revision INTEGER NOT NULL
  );
  -- (filter, asset_id): every list filter pages on asset_id straight off its index (SECONDARY_INDEXES).

  -- Every asset event once, in log order. Timeline rows point here, so a rack's shipment is stored once however
  -- many chips it carries. The encoded position is derived from pos_commit and pos_prepare.
  CREATE TABLE asset_events (
    pos_commit INTEGER NOT NULL,
    pos_prepare INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    asset_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    actor TEXT,
    data TEXT NOT NULL,
    PRIMARY KEY (pos_commit, pos_prepare)
  ) WITHOUT ROWID;

  -- Per asset: its own events (via_asset_id NULL) and its containers' events while it was inside them, each with
  -- the asset's effective state just after the event (the s_* snapshot columns). Rows are appended in log order
  -- (a rowid table keeps them dense); the timeline_by_asset index (SECONDARY_INDEXES) serves one asset's timeline.
  CREATE TABLE timeline (
    asset_id TEXT NOT NULL,
    pos_commit INTEGER NOT NULL,
    pos_prepare INTEGER NOT NULL,
    via_asset_id TEXT,
    s_status TEXT NOT NULL,
    s_facility_id TEXT,
    s_country TEXT,
    s_owner_id TEXT NOT NULL,
    s_custodian_id TEXT NOT NULL,
    s_parent_id TEXT,
    s_root_id TEXT NOT NULL
  );

  -- Read visibility, never withdrawn: every party that ever owned or (effectively, through containers too) held an
  -- asset, the customs agencies that held or cleared it, the operators of the facilities it was shipped to. party_id
  -- may also be an audience key that stands for whoever plays the part when asked: '@customs:<country>' for the
  -- customs agencies of a country a shipment entered or left (the '@' is not allowed in party ids).
  CREATE TABLE asset_parties (
    party_id TEXT NOT NULL,
    asset_id TEXT NOT NULL,
    relation TEXT NOT NULL CHECK (relation IN ('owner', 'custodian', 'customs', 'inbound', 'border')),
    PRIMARY KEY (party_id, asset_id, relation)
  ) WITHOUT ROWID;

  -- Assets effectively at each facility, by kind, model and status; maintained by deltas as rows are written.
  CREATE TABLE facility_inventory (
    facility_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    model TEXT NOT NULL,
    status TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (facility_id, kind, model, status)
  ) WITHOUT ROWID;

  CREATE TABLE parties (
    party_id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    roles TEXT NOT NULL,
    country TEXT NOT NULL
  );

  CREATE TABLE facilities (
    facility_id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    country TEXT NOT NULL,
    operator_id TEXT NOT NULL
  );

  CREATE TABLE api_keys (
    key_id TEXT NOT NULL PRIMARY KEY,
    party_id TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    issued_at TEXT NOT NULL,
    revoked_at TEXT
  );
  CREATE INDEX api_keys_by_party ON api_keys (party_id);

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

/**
 * The indexes a rebuild of more than one batch drops and builds again at its end: sorting once is much cheaper than
 * keeping them up to date batch after batch (measured on a 200k-event history, 10 batches: 7.1 s with them, 5.35 s
 * without plus 0.42 s to build them; on a one-batch history it is about even). Any missing one is created when the
 * file is opened, so a rebuild cut short leaves nothing without its index.
 */
const SECONDARY_INDEXES: readonly { readonly name: string; readonly on: string; readonly unique?: true }[] = [
  { name: 'assets_by_owner', on: 'assets (owner_id, asset_id)' },
  { name: 'assets_by_custodian', on: 'assets (custodian_id, asset_id)' },
  { name: 'assets_by_facility', on: 'assets (facility_id, asset_id)' },
  { name: 'assets_by_country', on: 'assets (country, asset_id)' },
  { name: 'assets_by_status', on: 'assets (status, asset_id)' },
  { name: 'assets_by_model', on: 'assets (model, asset_id)' },
  { name: 'assets_by_parent', on: 'assets (parent_id, asset_id)' },
  { name: 'assets_by_serial_number', on: 'assets (serial_number, asset_id)' },
  { name: 'timeline_by_asset', on: 'timeline (asset_id, pos_commit, pos_prepare)', unique: true },
];

const createSecondaryIndexes = (db: Database.Database): void => {
  for (const { name, on, unique } of SECONDARY_INDEXES) db.exec(`CREATE ${unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${name} ON ${on}`);
};

export type ReadModelDbOptions = {
  /** NORMAL (default): a crash loses no committed batch in WAL mode; read models can always be rebuilt anyway. */
  readonly synchronous?: 'OFF' | 'NORMAL' | 'FULL';
  /** Page cache, in MiB. Default 64. */
  readonly cacheMb?: number;
  /**
   * Set: this connection is the file's writer. Its ReadModelLock is taken before the file is even opened (opening
   * migrates, which must not happen under another process's feet) and released by close(); the value names the
   * holder in another projector's error. Unset: a runner on this file takes the lock when it starts writing.
   */
  readonly lockAs?: string;
};

/** A rebuild's way of writing (ReadModelDb.enterBulkLoad): between batches `dropIndexes`, at the end `leave`. */
export type BulkLoad = { readonly dropIndexes: () => void; readonly leave: () => void };

/** The read-model file: one connection (WAL), shared by the projection runner (writer) and the queries (readers). */
export class ReadModelDb {
  readonly connection: Database.Database;
  /** True when the file's read models were created or recreated on open (a new file, or an older schema). */
  readonly recreated: boolean;
  private readonly synchronous: 'OFF' | 'NORMAL' | 'FULL';
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
    try {
      this.connection.pragma('journal_mode = WAL');
      this.connection.pragma(`synchronous = ${this.synchronous}`);
      this.connection.pragma(`cache_size = -${(options.cacheMb ?? 64) * 1024}`);
      this.connection.pragma('temp_store = MEMORY');
      this.recreated = migrate(this.connection);
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
   * the end (SECONDARY_INDEXES).
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
          for (const { name } of SECONDARY_INDEXES) db.exec(`DROP INDEX IF EXISTS ${name}`);
        })();
      },
      leave: () => {
        if (!db.open) return;
        if (dropped) db.transaction(() => createSecondaryIndexes(db))();
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

const migrate = (db: Database.Database): boolean => {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === READ_MODEL_SCHEMA_VERSION) return false;
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
  return true;
};
