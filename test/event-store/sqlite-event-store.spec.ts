/** What the embedded store does beyond the shared conformance suite: its file, its connections, its own edges. */
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v4 as uuid } from 'uuid';
import {
  openSqliteEventStore, SqliteEventStore, StoreUnavailable, WrongExpectedRevision,
  type EventStore, type EventToAppend, type RecordedEvent, type SqliteEventStoreOptions,
} from '@chip-ledger/event-store';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const anEvent = (n = 0): EventToAppend => ({ id: uuid(), type: 'Tested', data: { n }, metadata: { m: n } });
const events = (count: number): EventToAppend[] => Array.from({ length: count }, (_, i) => anEvent(i));
const ids = (list: readonly { id: string }[]) => list.map((e) => e.id);

const waitFor = async (what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(5);
  }
};

const collect = async (iterable: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  for await (const event of iterable) out.push(event);
  return out;
};

describe('SqliteEventStore', () => {
  const files: string[] = [];
  const stores: EventStore[] = [];
  const newFile = () => {
    const file = join(tmpdir(), `chip-ledger-sqlite-${uuid()}.sqlite`);
    files.push(file);
    return file;
  };
  const open = (options: Partial<SqliteEventStoreOptions> & { file: string }) => {
    const store = openSqliteEventStore(options);
    stores.push(store);
    return store;
  };

  afterAll(async () => {
    for (const store of stores) await store.close();
    for (const file of files) for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  });

  describe('on one file', () => {
    let file: string;
    let store: EventStore;
    beforeAll(() => {
      file = newFile();
      store = open({ file, pollIntervalMs: 60_000 });
    });

    it('keeps the file in WAL mode with ids as 16-byte blobs', async () => {
      const event = anEvent();
      await store.appendToStream('asset-blob', [{ ...event, id: event.id.toUpperCase() }], 'no-stream');
      const raw = new Database(file, { readonly: true });
      try {
        expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
        const row = raw.prepare<[], { id: Buffer }>("SELECT id FROM events WHERE stream = 'asset-blob'").get();
        expect(row?.id).toHaveLength(16);
      } finally {
        raw.close();
      }
      expect((await store.readStream('asset-blob'))[0].id).toBe(event.id.toLowerCase());
    });

    it('wakes a live subscription at once on its own appends, without waiting for the poll', async () => {
      const stream = `asset-${uuid()}`;
      const got: RecordedEvent[] = [];
      const subscription = store.subscribeToAll({ from: (await store.headPosition()) ?? 'start', filter: { streamNamePrefixes: [stream] } }, (b) => {
        got.push(...b);
      });
      await sleep(20);
      const started = Date.now();
      await store.appendToStream(stream, events(2), 'no-stream');
      await waitFor('the live events', () => got.length === 2, 1000);
      expect(Date.now() - started).toBeLessThan(100);
      await subscription.close();
    });

    it('never calls the handler before subscribeToAll has returned', async () => {
      let returned = false;
      let calledEarly = false;
      const subscription = store.subscribeToAll({ from: 'start', maxBatchSize: 1 }, () => {
        if (!returned) calledEarly = true;
      });
      returned = true;
      await sleep(10);
      await subscription.close();
      expect(calledEarly).toBe(false);
    });

    it('gives the event loop a turn between the batches of a backlog (a server catching up still answers)', async () => {
      const stream = `asset-${uuid()}`;
      const from = (await store.headPosition()) ?? 'start';
      await store.appendToStream(stream, events(50), 'no-stream');
      let batches = 0;
      let batchesWhenTheLoopGotATurn: number | null = null;
      const subscription = store.subscribeToAll({ from, filter: { streamNamePrefixes: [stream] }, maxBatchSize: 5 }, () => {
        batches++;
      });
      setImmediate(() => {
        batchesWhenTheLoopGotATurn = batches;
      });
      await waitFor('the backlog', () => batches === 10, 5000);
      await subscription.close();
      expect(batchesWhenTheLoopGotATurn).toBeLessThan(10);
    });

    it("delivers the whole log from 'start'", async () => {
      const everything = await collect(store.readAll());
      const got: RecordedEvent[] = [];
      const subscription = store.subscribeToAll({ from: 'start', maxBatchSize: 3 }, (batch) => {
        got.push(...batch);
      });
      await waitFor('the whole log', () => got.length >= everything.length);
      await subscription.close();
      expect(ids(got)).toEqual(ids(everything));
      expect(got[0].position).toEqual({ commit: 1n, prepare: 1n });
    });

    it('answers a re-append of stored ids as the original whatever the expected revision, even the current one', async () => {
      const stream = `asset-${uuid()}`;
      const batch = events(2);
      const original = await store.appendToStream(stream, batch, 'no-stream');
      await expect(store.appendToStream(stream, batch, 1n)).resolves.toEqual(original);
      await expect(store.appendToStream(stream, batch, 'exists')).resolves.toEqual(original);
      await expect(store.appendToStream(stream, batch, 7n)).resolves.toEqual(original);
      expect(await store.readStream(stream)).toHaveLength(2);
    });

    it('refuses a batch whose later event is already stored, and keeps none of it', async () => {
      const stream = `asset-${uuid()}`;
      const [stored] = events(1);
      await store.appendToStream(stream, [stored], 'no-stream');
      const fresh = anEvent();
      await expect(store.appendToStream(stream, [fresh, stored], 'any')).rejects.toBeInstanceOf(WrongExpectedRevision);
      await expect(store.appendToStream(stream, [fresh, stored], 0n)).rejects.toBeInstanceOf(WrongExpectedRevision);
      expect(ids(await store.readStream(stream))).toEqual([stored.id]);
      await expect(store.appendToStream(stream, [fresh], 0n)).resolves.toMatchObject({ nextExpectedRevision: 1n });
    });

    it('refuses ids stored in another stream', async () => {
      const [a, b] = [`asset-${uuid()}`, `asset-${uuid()}`];
      const batch = events(1);
      await store.appendToStream(a, batch, 'no-stream');
      await expect(store.appendToStream(b, batch, 'no-stream')).rejects.toBeInstanceOf(WrongExpectedRevision);
      expect(await store.readStream(b)).toEqual([]);
    });

    it('rejects an id that is not a UUID and writes nothing of the call', async () => {
      const [a, b] = [`asset-${uuid()}`, `asset-${uuid()}`];
      await expect(store.appendToStreams([
        { streamName: a, events: events(1), expectedRevision: 'no-stream' },
        { streamName: b, events: [anEvent(), { ...anEvent(), id: 'not-a-uuid' }], expectedRevision: 'no-stream' },
      ])).rejects.toThrow(TypeError);
      expect(await store.readStream(a)).toEqual([]);
      expect(await store.readStream(b)).toEqual([]);
    });

    it('checks the expected revision of an empty append and writes nothing', async () => {
      const stream = `asset-${uuid()}`;
      await expect(store.appendToStream(stream, [], 'no-stream')).resolves.toMatchObject({ nextExpectedRevision: -1n });
      await expect(store.appendToStream(stream, [], 'exists')).rejects.toBeInstanceOf(WrongExpectedRevision);
      const written = await store.appendToStream(stream, events(1), 'no-stream');
      await expect(store.appendToStream(stream, [], 0n)).resolves.toEqual(written);
    });

    it('reads past its page size in both directions, and reads nothing for maxCount 0', async () => {
      const stream = `asset-${uuid()}`;
      const batch = events(2500);
      await store.appendToStream(stream, batch, 'no-stream');
      const filter = { streamNamePrefixes: [stream] };
      expect(ids(await collect(store.readAll({ filter })))).toEqual(ids(batch));
      expect(ids(await collect(store.readAll({ filter, direction: 'backwards' })))).toEqual(ids(batch).reverse());
      expect(await collect(store.readAll({ filter, maxCount: 0 }))).toEqual([]);
      expect(await store.readStream(stream, { maxCount: 0 })).toEqual([]);
      const got: RecordedEvent[] = [];
      const subscription = store.subscribeToAll({ from: 'start', filter, maxBatchSize: 700 }, (b) => {
        expect(b.length).toBeLessThanOrEqual(700);
        got.push(...b);
      });
      await waitFor('2500 events', () => got.length >= 2500);
      await subscription.close();
      expect(ids(got)).toEqual(ids(batch));
    });
  });

  it('sees, by polling, the events another connection writes to the same file, in order and without gaps', async () => {
    const file = newFile();
    const reader = open({ file, pollIntervalMs: 50 });
    const writer = open({ file });
    const got: RecordedEvent[] = [];
    const subscription = reader.subscribeToAll({ from: 'start', maxBatchSize: 25 }, (batch) => {
      got.push(...batch);
    });
    const stream = 'asset-elsewhere';
    for (let i = 0; i < 20; i++) await writer.appendToStream(stream, events(5), 'any');
    await reader.appendToStream('party-here', events(3), 'no-stream'); // both connections interleave
    await waitFor('103 events', () => got.length >= 103);
    await writer.appendToStream(stream, events(5), 'exists'); // only the poll can see these
    await waitFor('108 events', () => got.length >= 108);
    await sleep(120);
    await subscription.close();
    expect(got.map((e) => e.position.commit)).toEqual(Array.from({ length: 108 }, (_, i) => BigInt(i + 1)));
    // Revision checks hold across connections.
    await expect(reader.appendToStream(stream, events(1), 99n)).rejects.toBeInstanceOf(WrongExpectedRevision);
    await expect(reader.appendToStream(stream, events(1), 104n)).resolves.toMatchObject({ nextExpectedRevision: 105n });
  });

  it("answers reads and revision checks with what another connection wrote since, though it knew the stream's head", async () => {
    const file = newFile();
    const first = open({ file, pollIntervalMs: 60_000 });
    const second = open({ file, pollIntervalMs: 60_000 });
    const mine = events(2);
    await first.appendToStream('asset-shared', mine, 'no-stream');
    expect(ids(await first.readStream('asset-shared'))).toEqual(ids(mine));
    expect(await first.readStream('asset-shared', { fromRevision: 2n })).toEqual([]);
    expect(await first.readStream('asset-missing')).toEqual([]);

    const theirs = events(1);
    await second.appendToStream('asset-shared', theirs, 1n);
    await second.appendToStream('asset-missing', events(1), 'no-stream');

    expect(ids(await first.readStream('asset-shared', { fromRevision: 2n }))).toEqual(ids(theirs));
    expect(ids(await first.readStream('asset-shared'))).toEqual(ids([...mine, ...theirs]));
    expect(await first.readStream('asset-missing')).toHaveLength(1);
    await expect(first.appendToStream('asset-shared', events(1), 1n)).rejects.toMatchObject({ actual: 2n });
    const last = events(1);
    await expect(first.appendToStream('asset-shared', last, 2n)).resolves.toMatchObject({ nextExpectedRevision: 3n });
    // The other way round: the second connection knew the head it wrote.
    expect(ids(await second.readStream('asset-shared', { fromRevision: 3n }))).toEqual(ids(last));
    await expect(second.appendToStream('asset-shared', events(1), 2n)).rejects.toBeInstanceOf(WrongExpectedRevision);
  });

  it('knows nothing of an append that was refused or rolled back, in a group or alone', async () => {
    const file = newFile();
    const store = open({ file, groupCommit: true });
    const first = events(1);
    const [accepted, refused] = await Promise.allSettled([
      store.appendToStreams([{ streamName: 'asset-grouped', events: first, expectedRevision: 'no-stream' }]),
      store.appendToStreams([
        { streamName: 'asset-other', events: events(1), expectedRevision: 'no-stream' },
        { streamName: 'asset-grouped', events: events(1), expectedRevision: 5n },
      ]),
    ]);
    expect([accepted.status, refused.status]).toEqual(['fulfilled', 'rejected']);
    expect(await store.readStream('asset-other')).toEqual([]);
    await expect(store.appendToStream('asset-other', events(1), 0n)).rejects.toBeInstanceOf(WrongExpectedRevision);
    expect(ids(await store.readStream('asset-grouped'))).toEqual(ids(first));
    await expect(store.appendToStream('asset-other', events(1), 'no-stream')).resolves.toMatchObject({ nextExpectedRevision: 0n });
  });

  it('reads back two writes of one stream in one append as one stream', async () => {
    const store = open({ file: newFile() });
    const [a, b] = [events(2), events(1)];
    expect(await store.readStream('asset-twice')).toEqual([]); // known to be missing
    await store.appendToStreams([
      { streamName: 'asset-twice', events: a, expectedRevision: 'no-stream' },
      { streamName: 'asset-twice', events: b, expectedRevision: 1n },
    ]);
    expect(ids(await store.readStream('asset-twice'))).toEqual(ids([...a, ...b]));
    expect(ids(await store.readStream('asset-twice', { fromRevision: 2n }))).toEqual(ids(b));
    await expect(store.appendToStream('asset-twice', events(1), 2n)).resolves.toMatchObject({ nextExpectedRevision: 3n });
  });

  it('syncs every commit (synchronous FULL) unless NORMAL is asked for', async () => {
    const durable = new SqliteEventStore({ file: newFile() });
    const fast = new SqliteEventStore({ file: newFile(), synchronous: 'NORMAL' });
    stores.push(durable, fast);
    expect([durable.synchronous, fast.synchronous]).toEqual(['FULL', 'NORMAL']);
  });

  it('keeps its events and never reuses a position after a reopen', async () => {
    const file = newFile();
    const first = openSqliteEventStore({ file, synchronous: 'FULL' });
    const written = await first.appendToStream('asset-kept', events(3), 'no-stream');
    await first.close();
    const again = open({ file });
    expect(ids(await again.readStream('asset-kept'))).toHaveLength(3);
    const next = await again.appendToStream('asset-kept', events(1), 2n);
    expect(next.position.commit).toBe(written.position.commit + 1n);
  });

  it('upgrades a file written with text ids, keeping positions', async () => {
    const file = newFile();
    const raw = new Database(file);
    raw.exec(`CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, stream TEXT NOT NULL,
      revision INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, created INTEGER NOT NULL,
      UNIQUE (stream, revision))`);
    const old = [uuid(), uuid()];
    const insert = raw.prepare('INSERT INTO events (seq, id, stream, revision, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    insert.run(5, old[0], 'asset-old', 0, 'Old', '{"a":1}', '{}', 1_700_000_000_000);
    insert.run(9, old[1], 'asset-old', 1, 'Old', '{"a":2}', '{}', 1_700_000_000_000);
    raw.close();
    const store = open({ file });
    const read = await store.readStream('asset-old');
    expect(read.map((e) => [e.id, e.position.commit, e.data])).toEqual([[old[0], 5n, { a: 1 }], [old[1], 9n, { a: 2 }]]);
    await expect(store.appendToStream('asset-old', [{ id: old[1], type: 'Old', data: { a: 2 }, metadata: {} }], 0n))
      .resolves.toMatchObject({ nextExpectedRevision: 1n, position: { commit: 9n } });
    expect((await store.appendToStream('asset-new', events(1), 'no-stream')).position.commit).toBe(10n);
  });

  it('close() ends its subscriptions, and later calls say the store is unavailable', async () => {
    const store = openSqliteEventStore({ file: newFile() });
    const subscription = store.subscribeToAll({ from: 'start' }, () => undefined);
    await store.close();
    await expect(subscription.done).resolves.toBeUndefined();
    await store.close();
    await expect(store.appendToStream('asset-x', events(1), 'any')).rejects.toBeInstanceOf(StoreUnavailable);
    await expect(store.readStream('asset-x')).rejects.toBeInstanceOf(StoreUnavailable);
    await expect(collect(store.readAll())).rejects.toBeInstanceOf(StoreUnavailable);
    await expect(store.headPosition()).rejects.toBeInstanceOf(StoreUnavailable);
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailable);
    await expect(store.subscribeToAll({ from: 'start' }, () => undefined).done).rejects.toBeInstanceOf(StoreUnavailable);
  });
});
