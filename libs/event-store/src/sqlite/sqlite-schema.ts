import type Database from 'better-sqlite3';

/**
 * Schema of the embedded store. One table: the global position is the autoincrement rowid (never reused, even if the
 * last row were ever deleted), `(stream, revision)` and the event id are unique. Ids are UUIDs kept as 16-byte BLOBs:
 * the unique index over random-looking (v5) ids is the main cost of batched writes, and a 16-byte key keeps it less
 * than half the size of the 36-character text form (measured: 100-event transactions 1.1–1.5× faster).
 * `data` and `metadata` are JSON text; `created` is milliseconds since the epoch.
 */
export const SCHEMA_VERSION = 1;

const CREATE_EVENTS = `
  CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id BLOB NOT NULL UNIQUE,
    stream TEXT NOT NULL,
    revision INTEGER NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    metadata TEXT NOT NULL,
    created INTEGER NOT NULL,
    UNIQUE (stream, revision)
  );
`;

/**
 * Creates the schema, or upgrades a file written by the first version of this store (ids as 36-character TEXT),
 * keeping every sequence number. Throws on a file from a newer version.
 */
export const prepareSchema = (db: Database.Database): void => {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === SCHEMA_VERSION) return;
  if (version > SCHEMA_VERSION) {
    throw new Error(`${db.name} holds event store schema ${version}; this build reads up to ${SCHEMA_VERSION}`);
  }
  db.transaction(() => {
    const idColumn = db.prepare<[], { type: string }>("SELECT type FROM pragma_table_info('events') WHERE name = 'id'").get();
    if (idColumn && idColumn.type.toUpperCase() === 'TEXT') {
      db.exec('ALTER TABLE events RENAME TO events_text_ids');
      db.exec(CREATE_EVENTS);
      db.exec(`
        INSERT INTO events (seq, id, stream, revision, type, data, metadata, created)
        SELECT seq, unhex(replace(id, '-', '')), stream, revision, type, data, metadata, created
        FROM events_text_ids ORDER BY seq;
        DROP TABLE events_text_ids;
      `);
    } else {
      db.exec(CREATE_EVENTS);
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
};
