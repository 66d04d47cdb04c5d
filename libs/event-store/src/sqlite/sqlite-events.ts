import type { JsonObject, RecordedEvent } from '../event-store.port';
import { positionOf } from '../position';

/** A row of the events table as a stream read gets it: the id as its 16 bytes. */
export type EventRow = {
  seq: number; id: Buffer; stream: string; revision: number; type: string; data: string; metadata: string; created: number;
};
/** A row as a read of the global log gets it: the id already spelled as text by SQLite. */
export type LogRow = Omit<EventRow, 'id'> & { id: string };

export const COLUMNS = 'seq, id, stream, revision, type, data, metadata, created';
/**
 * The global log's reads (readAll, subscriptions: a rebuild reads every row) have SQLite spell the id as text: a BLOB
 * column costs a Buffer per row on the JS side, and formatting it there too (measured: ~25% of decoding a row).
 */
export const LOG_COLUMNS = `seq, lower(hex(substr(id, 1, 4)) || '-' || hex(substr(id, 5, 2)) || '-' || hex(substr(id, 7, 2)) || '-' ||
  hex(substr(id, 9, 2)) || '-' || hex(substr(id, 11))) AS id, stream, revision, type, data, metadata, created`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Event ids are stored as 16-byte BLOBs (see sqlite-schema.ts); anything but a UUID is refused. */
export const idToBytes = (id: string): Buffer => {
  if (typeof id !== 'string' || !UUID.test(id)) throw new TypeError(`Event id ${JSON.stringify(id)} is not a UUID`);
  return Buffer.from(id.slice(0, 8) + id.slice(9, 13) + id.slice(14, 18) + id.slice(19, 23) + id.slice(24), 'hex');
};

export const bytesToId = (bytes: Buffer): string => {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** Log reads have SQLite spell the id as text; stream reads get the 16 bytes. */
export const logRowToRecorded = (row: LogRow): RecordedEvent => recorded(row, row.id);
export const toRecorded = (row: EventRow): RecordedEvent => recorded(row, bytesToId(row.id));

const recorded = (row: Omit<EventRow, 'id'>, id: string): RecordedEvent => ({
  id,
  type: row.type,
  streamName: row.stream,
  revision: BigInt(row.revision),
  position: positionOf(row.seq),
  data: JSON.parse(row.data) as JsonObject,
  metadata: JSON.parse(row.metadata) as JsonObject,
  created: new Date(row.created),
});

/** The port's stream name filter. */
export const streamMatcher = (prefixes: readonly string[] | undefined): ((stream: string) => boolean) =>
  !prefixes ? () => true : (stream) => prefixes.some((prefix) => stream.startsWith(prefix));
