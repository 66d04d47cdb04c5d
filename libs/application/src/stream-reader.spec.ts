import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v4 as uuidv4 } from 'uuid';
import type { EventStore } from '@chip-ledger/event-store';
import { CLAIM_RELEASED, openSqliteEventStore } from '@chip-ledger/event-store';
import { StreamCache, StreamReader } from './stream-reader';

const event = (n: number) => ({ id: uuidv4(), type: 'Noted', data: { n }, metadata: {} });

describe('StreamReader with a StreamCache', () => {
  let dir: string;
  let store: EventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chip-ledger-stream-cache-'));
    store = openSqliteEventStore({ file: join(dir, 'events.sqlite') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const numbers = async (reader: StreamReader, stream: string) => (await reader.read(stream)).events.map((e) => e.data.n);

  it('sees what was appended after the cached read, by anyone, and only reads the new events', async () => {
    const cache = new StreamCache();
    await store.appendToStream('s-1', [event(0), event(1)], 'no-stream');
    expect(await numbers(new StreamReader(store, cache), 's-1')).toEqual([0, 1]);

    // Another writer (another process, as far as the cache knows) appends.
    const other = openSqliteEventStore({ file: join(dir, 'events.sqlite') });
    await other.appendToStream('s-1', [event(2)], 1n);
    await other.close();

    const reads: unknown[] = [];
    const spying = new Proxy(store, {
      get: (target, key) => (key === 'readStream'
        ? (name: string, options: unknown) => {
          reads.push(options);
          return target.readStream(name, options as never);
        }
        : Reflect.get(target, key)),
    });
    const reader = new StreamReader(spying, cache);
    expect(await numbers(reader, 's-1')).toEqual([0, 1, 2]);
    expect(await reader.revisionOf('s-1')).toBe(2n);
    expect(reads).toEqual([{ fromRevision: 2n }]);
  });

  it('reads a missing stream again each time (it may exist by now)', async () => {
    const cache = new StreamCache();
    expect((await new StreamReader(store, cache).read('s-2')).revision).toBeNull();
    await store.appendToStream('s-2', [event(0)], 'no-stream');
    expect(await numbers(new StreamReader(store, cache), 's-2')).toEqual([0]);
  });

  it('holds at most the configured number of events, dropping the least recently used streams', async () => {
    const cache = new StreamCache(3);
    for (const stream of ['a', 'b', 'c']) await store.appendToStream(stream, [event(0), event(1)], 'no-stream');
    const reader = new StreamReader(store, cache);
    await reader.read('a');
    await reader.read('b');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')?.events).toHaveLength(2);
    await reader.read('c');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('c')?.events).toHaveLength(2);
  });

  it('keeps nothing when the cache size is 0', async () => {
    const cache = new StreamCache(0);
    await store.appendToStream('s-3', [event(0)], 'no-stream');
    await new StreamReader(store, cache).read('s-3');
    expect(cache.get('s-3')).toBeUndefined();
  });

  it('folds a kept stream on from the state the last command left, and the same as a fold from the start', async () => {
    const cache = new StreamCache();
    let calls = 0;
    const sum = (state: number, e: { data: { n?: unknown } }) => {
      calls++;
      return state + Number(e.data.n);
    };
    await store.appendToStream('s-4', [event(1), event(2)], 'no-stream');
    expect(await new StreamReader(store, cache).state('s-4', sum, 0)).toBe(3);
    expect(calls).toBe(2);
    await store.appendToStream('s-4', [event(4)], 1n);
    calls = 0;
    expect(await new StreamReader(store, cache).state('s-4', sum, 0)).toBe(7);
    expect(calls).toBe(1);
    // Another fold of the same stream starts from its own initial state.
    const count = (state: number) => state + 1;
    expect(await new StreamReader(store, cache).state('s-4', count, 0)).toBe(3);
    expect(await new StreamReader(store).state('s-4', sum, 0)).toBe(7);
  });

  it('folds a stream with a released claim whole, without the claim', async () => {
    const cache = new StreamCache();
    const sum = (state: number, e: { data: { n?: unknown } }) => state + (typeof e.data.n === 'number' ? e.data.n : 0);
    const claim = { ...event(10), metadata: { commandId: 'cmd-1', commitStream: 'target' } };
    await store.appendToStream('s-5', [event(1), claim], 'no-stream');
    expect(await new StreamReader(store, cache).state('s-5', sum, 0)).toBe(11);
    await store.appendToStream('s-5', [{ id: uuidv4(), type: CLAIM_RELEASED, data: { commandId: 'cmd-1' }, metadata: {} }], 1n);
    expect(await new StreamReader(store, cache).state('s-5', sum, 0)).toBe(1);
  });
});
