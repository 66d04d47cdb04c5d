/** The embedded store on storage that fills up or disappears: typed errors, nothing written, and back when space is. */
import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v4 as uuid } from 'uuid';
import type { AppendResult, EventToAppend } from '@chip-ledger/event-store';
import { SqliteEventStore, StoreFull, StoreUnavailable } from '@chip-ledger/event-store';
import type { SmallDisk } from '../support/small-disk';
import { smallDisk } from '../support/small-disk';

const events = (count: number): EventToAppend[] =>
  Array.from({ length: count }, (_, n) => ({ id: uuid(), type: 'Tested', data: { n, pad: 'x'.repeat(500) }, metadata: {} }));

/** Only the page-limit variant of the small disk needs it: the store's own connection. */
const connectionOf = (store: SqliteEventStore): Database.Database => Reflect.get(store, 'db') as Database.Database;

const settle = <T>(promises: readonly Promise<T>[]) => Promise.allSettled(promises);

describe('SqliteEventStore on a disk that fills up', () => {
  let disk: SmallDisk;
  let store: SqliteEventStore;
  const connections = () => [connectionOf(store)];

  beforeAll(() => {
    disk = smallDisk();
    store = new SqliteEventStore({ file: join(disk.dir, 'events.sqlite'), groupCommit: true });
  });
  afterAll(async () => {
    await store.close();
    disk.dispose();
  });

  it('refuses appends with StoreFull while full, writes none of them, and takes the next append once space is back', async () => {
    for (let i = 0; i < 10; i++) await store.appendToStream(`asset-before-${i}`, events(2), 'no-stream');
    const before = await store.headPosition();
    disk.fill(connections());

    // A disk with no free block may still take a write that fits in pages the WAL already has: keep writing
    // (concurrently, so the group-commit transaction is the one that fails) until the disk says it is full.
    const accepted: string[] = [];
    let refused: { stream: string; reason: unknown }[] = [];
    for (let round = 0; round < 200 && !refused.length; round++) {
      const streams = [1, 2, 3, 4].map((k) => `asset-full-${round}-${k}`);
      const outcomes = await settle(streams.map((stream) => store.appendToStream(stream, events(4), 'no-stream')));
      outcomes.forEach((outcome, k) => {
        if (outcome.status === 'fulfilled') accepted.push(streams[k]);
        else refused.push({ stream: streams[k], reason: outcome.reason });
      });
    }
    expect(refused.length).toBeGreaterThan(0);
    for (const { reason } of refused) expect(reason).toBeInstanceOf(StoreFull);
    for (const { stream } of refused) expect(await store.readStream(stream)).toEqual([]);
    for (const stream of accepted) expect(await store.readStream(stream)).toHaveLength(4);

    // Still full: refused again, not wedged in a transaction.
    refused = (await settle([store.appendToStream('asset-still-full', events(40), 'no-stream')]))
      .filter((o) => o.status === 'rejected').map((o) => ({ stream: 'asset-still-full', reason: (o as PromiseRejectedResult).reason }));
    expect(refused.map((r) => r.reason)).toEqual([expect.any(StoreFull)]);

    disk.free(connections());
    const after = await settle([1, 2, 3].map((k) => store.appendToStream(`asset-after-${k}`, events(4), 'no-stream')));
    expect(after.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    const positions = after.map((o) => (o as PromiseFulfilledResult<AppendResult>).value.position.commit);
    expect(Math.min(...positions.map(Number))).toBeGreaterThan(Number(before?.commit ?? 0n));
    expect(await store.readStream('asset-after-3')).toHaveLength(4);
  });
});

describe('SqliteEventStore whose file is deleted while open', () => {
  it('refuses appends as unavailable (nothing written) instead of writing into the deleted file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chip-ledger-gone-'));
    const store = new SqliteEventStore({ file: join(dir, 'events.sqlite'), groupCommit: true });
    try {
      await store.appendToStream('asset-kept', events(1), 'no-stream');
      for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir, `events.sqlite${suffix}`), { force: true });
      const outcomes = await settle([store.appendToStream('asset-lost', events(1), 'no-stream'), store.appendToStream('asset-lost-2', events(1), 'no-stream')]);
      for (const outcome of outcomes) {
        expect(outcome.status).toBe('rejected');
        const reason = (outcome as PromiseRejectedResult).reason as StoreUnavailable;
        expect(reason).toBeInstanceOf(StoreUnavailable);
        expect(reason.nothingWritten).toBe(true);
      }
      await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailable);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
