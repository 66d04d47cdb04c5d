import Database from 'better-sqlite3';
import { v5 as uuidv5 } from 'uuid';
import type { LedgerCommand } from '@chip-ledger/domain';
import { LedgerCommandHandler } from '@chip-ledger/application';
import type { AssetEvent, AssetState } from '@chip-ledger/domain';
import { assetStream, evolveAsset, initialAssetState } from '@chip-ledger/domain';
import type { EventStore, JsonObject, SqliteSynchronous, StreamWrite } from '@chip-ledger/event-store';
import { openSqliteEventStore } from '@chip-ledger/event-store';
import { LedgerQueries, ProjectionRunner, openReadModelDb } from '@chip-ledger/projections';
import type { DatasetPlan } from './dataset';
import { chunks, datasetCommands } from './dataset';
import type { EmmettPeerStore } from './peer-emmett';
import { Stopwatch, latencySummary } from './stats';

/**
 * The in-process measurements: the ledger's own paths and, on the same events, the raw better-sqlite3 limit and the
 * peer. Inputs (commands, parsed events) are built in chunks outside the timed sections; only the work under test is
 * timed. Every function returns counts and seconds; rates are made by the caller.
 */

export type Throughput = { readonly events: number; readonly seconds: number; readonly commands?: number };
export type Latencies = { readonly p50: number; readonly p99: number; readonly count: number };

/** Commands pulled from the script per timed chunk. */
const COMMAND_CHUNK = 2000;
/** Source events parsed per timed chunk. */
const EVENT_CHUNK = 10_000;
export const BATCH = 100;

/** (1) The command path, one command at a time: load the asset's streams, decide, append with expected revision. */
export const runCommandPath = async (store: EventStore, plan: DatasetPlan, maxCommands = Number.POSITIVE_INFINITY): Promise<Throughput> => {
  const handler = new LedgerCommandHandler(store);
  const watch = new Stopwatch();
  let commands = 0;
  let events = 0;
  const script = limit(datasetCommands(plan), maxCommands);
  for (const chunk of chunks(script, COMMAND_CHUNK)) {
    await watch.timeAsync(async () => {
      for (const command of chunk) {
        const result = await handler.execute(command);
        if (result.replayed) throw new Error(`command ${command.metadata.commandId} replayed: the store was not fresh`);
      }
    });
    commands += chunk.length;
  }
  const head = await store.headPosition();
  events = head ? Number(head.commit) : 0;
  return { events, commands, seconds: watch.seconds };
};

function* limit<T>(items: Iterable<T>, max: number): Generator<T> {
  if (max <= 0) return;
  let n = 0;
  for (const item of items) {
    yield item;
    if (++n >= max) return;
  }
}

/** An event of the data set as stored by the ledger, parsed (untimed) for re-appending elsewhere. */
export type SourceEvent = {
  readonly idBytes: Buffer;
  readonly id: string;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  readonly created: number;
};

type SourceRow = { id: Buffer; stream: string; revision: number; type: string; data: string; metadata: string; created: number };

const uuidText = (bytes: Buffer): string => {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** The events of a ledger file in log order, `size` at a time, parsed. */
export function* sourceEvents(file: string, size = EVENT_CHUNK, maxEvents = Number.POSITIVE_INFINITY): Generator<SourceEvent[]> {
  const db = new Database(file, { readonly: true });
  try {
    const page = db.prepare<[number, number], SourceRow & { seq: number }>(
      'SELECT seq, id, stream, revision, type, data, metadata, created FROM events WHERE seq > ? ORDER BY seq LIMIT ?');
    let after = 0;
    let delivered = 0;
    while (delivered < maxEvents) {
      const rows = page.all(after, Math.min(size, maxEvents - delivered));
      if (!rows.length) return;
      after = rows[rows.length - 1].seq;
      delivered += rows.length;
      yield rows.map((row) => ({
        idBytes: row.id, id: uuidText(row.id), stream: row.stream, revision: row.revision, type: row.type,
        data: JSON.parse(row.data) as JsonObject, metadata: JSON.parse(row.metadata) as JsonObject, created: row.created,
      }));
    }
  } finally {
    db.close();
  }
}

/** Consecutive events of one stream become one write, expecting the revision just before the first. */
export const toWrites = (events: readonly SourceEvent[]): StreamWrite[] => {
  const writes: { streamName: string; expectedRevision: StreamWrite['expectedRevision']; events: StreamWrite['events'][number][] }[] = [];
  for (const event of events) {
    const last = writes[writes.length - 1];
    const toAppend = { id: event.id, type: event.type, data: event.data, metadata: event.metadata };
    if (last && last.streamName === event.stream) {
      last.events.push(toAppend);
    } else {
      writes.push({
        streamName: event.stream, expectedRevision: event.revision === 0 ? 'no-stream' : BigInt(event.revision - 1), events: [toAppend],
      });
    }
  }
  return writes;
};

/** (2) Bulk import through a store's multi-stream append, BATCH events per call (one transaction each). */
export const runBulkImport = async (store: EventStore, sourceFile: string, maxEvents?: number): Promise<Throughput> => {
  const watch = new Stopwatch();
  let events = 0;
  for (const chunk of sourceEvents(sourceFile, EVENT_CHUNK, maxEvents)) {
    const batches = [...chunks(chunk, BATCH)].map(toWrites);
    await watch.timeAsync(async () => {
      for (const writes of batches) await store.appendToStreams(writes);
    });
    events += chunk.length;
  }
  return { events, seconds: watch.seconds };
};

/** (3) A full rebuild of every read model from position 0, into a new read-model file. */
export const runRebuild = async (storeFile: string, readModelFile: string): Promise<Throughput & { readModelFile: string }> => {
  const store = openSqliteEventStore({ file: storeFile });
  const db = openReadModelDb(readModelFile);
  try {
    const runner = new ProjectionRunner(store, db);
    const started = process.hrtime.bigint();
    await runner.rebuild();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { events: runner.status().appliedEvents, seconds, readModelFile };
  } finally {
    await store.close();
    db.close();
  }
};

/** Deterministic sample of asset ids to look up (mulberry32). */
export const sampleIds = (ids: readonly string[], count: number, seed = 42): string[] => {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () => ids[Math.floor(random() * ids.length)]);
};

const timeEach = (ids: readonly string[], lookUp: (id: string) => unknown): Latencies => {
  const samples = new Float64Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const started = process.hrtime.bigint();
    const found = lookUp(ids[i]);
    samples[i] = Number(process.hrtime.bigint() - started);
    if (!found) throw new Error(`no asset ${ids[i]}`);
  }
  return { ...latencySummary(samples), count: ids.length };
};

/** (4) Point queries in process: `getAsset` (current effective state and direct contents), one at a time. */
export const runPointQueries = (readModelFile: string, ids: readonly string[]): Latencies => {
  const db = openReadModelDb(readModelFile);
  try {
    const queries = new LedgerQueries(db);
    timeEach(ids.slice(0, Math.min(1000, ids.length)), (id) => queries.getAsset(id)); // warm-up
    return timeEach(ids, (id) => queries.getAsset(id));
  } finally {
    db.close();
  }
};

/** Raw reference for (4): the asset's row by primary key with a plain prepared statement on the same file. */
export const runRawPointQueries = (readModelFile: string, ids: readonly string[]): Latencies => {
  const db = new Database(readModelFile, { readonly: true });
  try {
    const byId = db.prepare<[string], Record<string, unknown>>('SELECT * FROM assets WHERE asset_id = ?');
    timeEach(ids.slice(0, Math.min(1000, ids.length)), (id) => byId.get(id));
    return timeEach(ids, (id) => byId.get(id));
  } finally {
    db.close();
  }
};

/** Peer reference for (4): what an emmett-sqlite user without read models does, read the asset's stream and fold it. */
export const runPeerPointQueries = async (peer: EmmettPeerStore, ids: readonly string[]): Promise<Latencies> => {
  const samples = new Float64Array(ids.length);
  const fold = async (id: string): Promise<AssetState> => {
    const events = await peer.readStream(assetStream(id));
    return events.reduce((state, event) => evolveAsset(state, { type: event.type, data: event.data } as unknown as AssetEvent), initialAssetState());
  };
  for (const id of ids.slice(0, Math.min(100, ids.length))) await fold(id);
  for (let i = 0; i < ids.length; i++) {
    const started = process.hrtime.bigint();
    const state = await fold(ids[i]);
    samples[i] = Number(process.hrtime.bigint() - started);
    if (!state.exists) throw new Error(`peer: no asset ${ids[i]}`);
  }
  return { ...latencySummary(samples), count: ids.length };
};

// ---- raw better-sqlite3 references --------------------------------------------------------------------------------

/** A fresh file with exactly the ledger's events table (made by the ledger store itself), opened raw. */
const rawEventsFile = (file: string, synchronous: SqliteSynchronous = 'NORMAL'): Database.Database => {
  const store = openSqliteEventStore({ file });
  void store.close();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  return db;
};

const INSERT = 'INSERT INTO events (id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)';

/**
 * Raw appends of the same events into the same table and indexes, `perTransaction` rows per transaction (1: each
 * insert autocommits). Timed: serialising the JSON and the inserts, nothing else: no revision check, no id parsing.
 */
export const runRawAppend = (
  file: string, sourceFile: string, perTransaction: number, maxEvents?: number, synchronous: SqliteSynchronous = 'NORMAL',
): Throughput => {
  const db = rawEventsFile(file, synchronous);
  try {
    const insert = db.prepare(INSERT);
    const put = (e: SourceEvent) =>
      insert.run(e.idBytes, e.stream, e.revision, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), e.created);
    const inTransaction = db.transaction((batch: readonly SourceEvent[]) => {
      for (const event of batch) put(event);
    });
    const watch = new Stopwatch();
    let events = 0;
    for (const chunk of sourceEvents(sourceFile, EVENT_CHUNK, maxEvents)) {
      const batches = perTransaction > 1 ? [...chunks(chunk, perTransaction)] : [];
      watch.time(() => {
        if (perTransaction > 1) for (const batch of batches) inTransaction(batch);
        else for (const event of chunk) put(event);
      });
      events += chunk.length;
    }
    return { events, seconds: watch.seconds };
  } finally {
    db.close();
  }
};

/** Raw reference for (3): every row of the log read back in order, its data and metadata JSON parsed. */
export const runRawReadAndParse = (file: string): Throughput => {
  const db = new Database(file, { readonly: true });
  try {
    const all = db.prepare<[], SourceRow>('SELECT * FROM events ORDER BY seq');
    const started = process.hrtime.bigint();
    let events = 0;
    for (const row of all.iterate()) {
      JSON.parse(row.data);
      JSON.parse(row.metadata);
      events++;
    }
    return { events, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  } finally {
    db.close();
  }
};

// ---- peer ----------------------------------------------------------------------------------------------------------

export const runPeerReadAll = async (peer: EmmettPeerStore): Promise<Throughput> => {
  const started = process.hrtime.bigint();
  const events = await peer.readEverything();
  return { events, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
};

// ---- a larger history, for memory -----------------------------------------------------------------------------------

const COPY_NAMESPACE = '0b7e2d4a-91c3-4f06-8d5e-3a6f1c2b9e70';
/** Asset ids of the data set (rack-…, srv-…, board-…, gpu-…), wherever they appear in stream names and JSON. */
const ASSET_ID = /\b(rack|srv|board|gpu)-(\d+(?:-\d+)*)/g;

/**
 * Writes `copies` fleets into a new ledger file: the data set's events (as the command handler wrote them), then the
 * same again for a fleet whose asset ids carry `.c<k>`, and so on; parties and facilities once. Raw inserts: this only
 * builds the input of the memory check and is not timed.
 */
export const writeScaledHistory = (sourceFile: string, file: string, copies: number): number => {
  const db = rawEventsFile(file);
  try {
    const insert = db.prepare(INSERT);
    const write = db.transaction((rows: readonly unknown[][]) => {
      for (const row of rows) insert.run(...row);
    });
    const source = new Database(sourceFile, { readonly: true });
    const rows = source.prepare<[], SourceRow>('SELECT id, stream, revision, type, data, metadata, created FROM events ORDER BY seq');
    let written = 0;
    try {
      for (let k = 0; k < copies; k++) {
        const rename = (text: string) => (k === 0 ? text : text.replace(ASSET_ID, (_, prefix: string, id: string) => `${prefix}-${id}.c${k}`));
        let pending: unknown[][] = [];
        for (const row of rows.iterate()) {
          if (k > 0 && !row.stream.startsWith('asset-')) continue;
          const id = k === 0 ? row.id : Buffer.from(uuidv5(`${uuidText(row.id)}:${k}`, COPY_NAMESPACE).replace(/-/g, ''), 'hex');
          pending.push([id, rename(row.stream), row.revision, row.type, rename(row.data), rename(row.metadata), row.created]);
          if (pending.length === EVENT_CHUNK) {
            write(pending);
            written += pending.length;
            pending = [];
          }
        }
        write(pending);
        written += pending.length;
      }
    } finally {
      source.close();
    }
    return written;
  } finally {
    db.close();
  }
};

export type RebuildMemory = {
  readonly events: number;
  readonly seconds: number;
  readonly rssBeforeMb: number;
  readonly rssPeakMb: number;
  readonly rssAfterMb: number;
};

const collect = () => (globalThis as { gc?: () => void }).gc?.();
const rssMb = () => process.memoryUsage.rss() / (1024 * 1024);

/** (6) RSS around a full rebuild: before, the highest seen while it ran (sampled every 5 ms), and after (runner alive). */
export const measureRebuildMemory = async (storeFile: string, readModelFile: string): Promise<RebuildMemory> => {
  collect();
  const rssBeforeMb = rssMb();
  let rssPeakMb = rssBeforeMb;
  const sampler = setInterval(() => {
    rssPeakMb = Math.max(rssPeakMb, rssMb());
  }, 5);
  const store = openSqliteEventStore({ file: storeFile });
  const db = openReadModelDb(readModelFile);
  try {
    const runner = new ProjectionRunner(store, db);
    const started = process.hrtime.bigint();
    await runner.rebuild();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    rssPeakMb = Math.max(rssPeakMb, rssMb());
    collect();
    const rssAfterMb = rssMb();
    return { events: runner.status().appliedEvents, seconds, rssBeforeMb, rssPeakMb, rssAfterMb };
  } finally {
    clearInterval(sampler);
    await store.close();
    db.close();
  }
};

export type { LedgerCommand };
