import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v4 as uuid } from 'uuid';
import type { EventStore, EventToAppend } from '@chip-ledger/event-store';
import { WrongExpectedRevision, openSqliteEventStore } from '@chip-ledger/event-store';
import { describeEventStoreConformance } from './conformance';

const newFile = () => join(tmpdir(), `chip-ledger-group-${uuid()}.sqlite`);
const remove = (file: string) => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
};

/** The whole contract holds with group commit on (the API's setting). */
describeEventStoreConformance(
  'embedded SQLite with group commit',
  async () => {
    const file = newFile();
    const store = openSqliteEventStore({ file, groupCommit: true });
    return {
      store,
      close: async () => {
        await store.close();
        remove(file);
      },
    };
  },
  { atomicMultiStreamAppend: true },
);

describe('SqliteEventStore group commit: appends requested together', () => {
  let file: string;
  let store: EventStore;
  const event = (type = 'Happened'): EventToAppend => ({ id: uuid(), type, data: { n: 1 }, metadata: {} });

  beforeEach(() => {
    file = newFile();
    store = openSqliteEventStore({ file, groupCommit: true });
  });

  afterEach(async () => {
    await store.close();
    remove(file);
  });

  it('a refused append fails alone; the others commit, at positions in call order', async () => {
    await store.appendToStream('s-taken', [event()], 'no-stream');
    const settled = await Promise.allSettled([
      store.appendToStream('s-a', [event(), event()], 'no-stream'),
      store.appendToStream('s-taken', [event()], 'no-stream'),
      store.appendToStreams([
        { streamName: 's-b', events: [event()], expectedRevision: 'no-stream' },
        { streamName: 's-taken', events: [event()], expectedRevision: 5n },
      ]),
      store.appendToStream('s-c', [event()], 'any'),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevision);
    expect((settled[2] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevision);
    const a = (settled[0] as PromiseFulfilledResult<{ position: { commit: bigint } }>).value;
    const c = (settled[3] as PromiseFulfilledResult<{ position: { commit: bigint } }>).value;
    expect(a.position.commit < c.position.commit).toBe(true);
    // The refused multi-stream append wrote nothing, not even its first stream.
    expect(await store.readStream('s-b')).toEqual([]);
    expect((await store.readStream('s-taken')).length).toBe(1);
    const log = [];
    for await (const recorded of store.readAll()) log.push(recorded.streamName);
    expect(log).toEqual(['s-taken', 's-a', 's-a', 's-c']);
  });

  it('appends to one stream in the same turn see each other: the second expects the first one\'s revision', async () => {
    const first = store.appendToStream('s', [event()], 'no-stream');
    const second = store.appendToStream('s', [event()], 0n);
    const stale = store.appendToStream('s', [event()], 0n);
    await expect(first).resolves.toMatchObject({ nextExpectedRevision: 0n });
    await expect(second).resolves.toMatchObject({ nextExpectedRevision: 1n });
    await expect(stale).rejects.toBeInstanceOf(WrongExpectedRevision);
    expect((await store.readStream('s')).map((e) => e.revision)).toEqual([0n, 1n]);
  });

  it('an exact retry in the same group answers as the original and stores one copy', async () => {
    const events = [event(), event()];
    const [original, retry] = await Promise.all([
      store.appendToStream('s', events, 'no-stream'),
      store.appendToStream('s', events, 'no-stream'),
    ]);
    expect(retry).toEqual(original);
    expect((await store.readStream('s')).length).toBe(2);
  });

  it('close() writes the appends already requested before closing', async () => {
    const pending = store.appendToStream('s', [event()], 'no-stream');
    await store.close();
    await expect(pending).resolves.toMatchObject({ nextExpectedRevision: 0n });
    const reopened = openSqliteEventStore({ file });
    try {
      expect((await reopened.readStream('s')).length).toBe(1);
    } finally {
      await reopened.close();
    }
  });

  it('a closed store refuses appends', async () => {
    await store.close();
    await expect(store.appendToStream('s', [event()], 'any')).rejects.toThrow(/closed/);
  });
});
