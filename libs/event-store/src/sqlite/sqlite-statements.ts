import type Database from 'better-sqlite3';
import type { EventRow, LogRow } from './sqlite-events';
import { COLUMNS, LOG_COLUMNS } from './sqlite-events';

export type StreamHead = { seq: number; revision: number };
type Placed = { seq: number; stream: string; revision: number };
type IdAt = { seq: number; id: Buffer; revision: number };

/**
 * Every statement of the embedded store, prepared once per connection.
 *
 * A stream read whole has a statement without LIMIT: a LIMIT given as a parameter costs ~20 µs of CPU per execution
 * (measured with better-sqlite3 12: 26 µs for a read of a missing stream with `LIMIT ?`, 6 µs without), three times the
 * read itself, and reading a stream whole is what the command path does again and again.
 */
export const prepareStatements = (db: Database.Database) => ({
  /** The stream's last event, from the covering (stream, revision) index alone. */
  head: db.prepare<[string], StreamHead>('SELECT seq, revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1'),
  insert: db.prepare<[Buffer, string, number, string, string, string, number]>(
    'INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)'),
  placeOf: db.prepare<[Buffer], Placed>('SELECT seq, stream, revision FROM events WHERE id = ?'),
  idsFrom: db.prepare<[string, number, number], IdAt>(
    'SELECT seq, id, revision FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?'),
  streamForwards: db.prepare<[string, number], EventRow>(
    `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision`),
  streamForwardsAtMost: db.prepare<[string, number, number], EventRow>(
    `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`),
  streamBackwards: db.prepare<[string, number], EventRow>(
    `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC`),
  streamBackwardsAtMost: db.prepare<[string, number, number], EventRow>(
    `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`),
  allForwards: db.prepare<[number, number], LogRow>(`SELECT ${LOG_COLUMNS} FROM events WHERE seq >= ? ORDER BY seq LIMIT ?`),
  allBackwards: db.prepare<[number, number], LogRow>(`SELECT ${LOG_COLUMNS} FROM events WHERE seq <= ? ORDER BY seq DESC LIMIT ?`),
  lastSeq: db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM events'),
  ping: db.prepare('SELECT 1'),
  /** Changes whenever another connection commits to the file (not on this connection's own commits). */
  dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
});

export type SqliteStatements = ReturnType<typeof prepareStatements>;
