import { randomUUID } from 'node:crypto';
import { StoreUnavailable, openEsdbEventStore } from '@chip-ledger/event-store';
import type { EventStore, EventToAppend, RecordedEvent } from '@chip-ledger/event-store';
import type { EsdbTestServer } from './esdb-test-server';
import { startEsdbTestServer } from './esdb-test-server';

/** What the EventStoreDB adapter does beyond the shared conformance suite: system events, outages, teardown. */

let server: EsdbTestServer;
let store: EventStore;
beforeAll(async () => {
  server = await startEsdbTestServer({ systemEventEvery: 1 });
  store = openEsdbEventStore({ connectionString: server.connectionString });
});
afterAll(async () => {
  await store.close();
  await server.stop();
});

const anEvent = (type = 'AssetShipped'): EventToAppend => ({ id: randomUUID(), type, data: { n: 1 }, metadata: { commandId: randomUUID() } });
const events = (count: number) => Array.from({ length: count }, () => anEvent());
const ids = (list: readonly { id: string }[]) => list.map((event) => event.id);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const waitFor = async (what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(5);
  }
};
const collect = async (iterable: AsyncIterable<RecordedEvent>) => {
  const out: RecordedEvent[] = [];
  for await (const event of iterable) out.push(event);
  return out;
};

describe('the EventStoreDB adapter', () => {
  it('names the store without credentials', () => {
    const withCredentials = openEsdbEventStore({ connectionString: 'esdb://admin:changeit@node1:2113,node2:2113?tls=false' });
    expect(withCredentials.info).toEqual({ kind: 'eventstoredb', location: 'esdb://node1:2113,node2:2113?tls=false' });
    expect(store.info.location).toBe(server.connectionString);
    return withCredentials.close();
  });

  it('never delivers system events: not in $ streams, not a $-typed event in a ledger stream', async () => {
    const stream = `asset-${randomUUID()}`;
    const from = await store.headPosition();
    await store.appendToStream(stream, events(2), 'no-stream');
    server.writeSystemEvent(stream, '$metadata-like', {});
    await store.appendToStream(stream, events(1), 'any');
    const inLog = server.events().filter((event) => event.position > (from?.commit ?? 0n));
    expect(inLog.filter((event) => event.type.startsWith('$')).length).toBeGreaterThanOrEqual(3);

    const read = await collect(store.readAll({ fromPosition: from ?? undefined }));
    expect(read.some((event) => event.type.startsWith('$'))).toBe(false);
    expect(read.filter((event) => event.streamName === stream)).toHaveLength(3);

    const delivered: RecordedEvent[] = [];
    const subscription = store.subscribeToAll({ from: from ?? 'start' }, (batch) => void delivered.push(...batch));
    const filtered: RecordedEvent[] = [];
    const prefixed = store.subscribeToAll({ from: from ?? 'start', filter: { streamNamePrefixes: ['asset-'] } }, (batch) => void filtered.push(...batch));
    await waitFor('three events each', () => delivered.length >= 3 && filtered.length >= 3);
    await sleep(30);
    expect([...delivered, ...filtered].some((event) => event.type.startsWith('$'))).toBe(false);
    expect(ids(filtered)).toEqual(ids(delivered.filter((event) => event.streamName.startsWith('asset-'))));
    await Promise.all([subscription.close(), prefixed.close()]);
  });

  it('pages through $all past many system events, and reads the head including them', async () => {
    const stream = `party-${randomUUID()}`;
    const from = await store.headPosition();
    for (let i = 0; i < 700; i++) server.writeSystemEvent('$stats-127.0.0.1:2113', '$statsCollected', { i });
    const written = await store.appendToStream(stream, events(3), 'no-stream');
    const read = await collect(store.readAll({ fromPosition: from ?? undefined, filter: { streamNamePrefixes: ['party-'] } }));
    expect(ids(read)).toEqual(ids(await store.readStream(stream)));
    const head = await store.headPosition();
    expect(head!.commit).toBeGreaterThan(written.position.commit); // the stats event written after the append
    const [last] = await collect(store.readAll({ direction: 'backwards', maxCount: 1, filter: { streamNamePrefixes: [stream] } }));
    expect(last.position).toEqual(written.position);
  });

  it('answers an empty append as the stream stands', async () => {
    const stream = `asset-${randomUUID()}`;
    expect((await store.appendToStream(stream, [], 'no-stream')).nextExpectedRevision).toBe(-1n);
    await store.appendToStream(stream, events(1), 'no-stream');
    expect((await store.appendToStream(stream, [], 0n)).nextExpectedRevision).toBe(0n);
  });

  it('delivers batches no larger than maxBatchSize, one at a time, while the handler is slow', async () => {
    const stream = `asset-${randomUUID()}`;
    await store.appendToStream(stream, events(40), 'no-stream');
    const batches: number[] = [];
    let running = 0;
    let overlapped = false;
    const subscription = store.subscribeToAll({ from: 'start', filter: { streamNamePrefixes: [stream] }, maxBatchSize: 8 }, async (batch) => {
      overlapped ||= running++ > 0;
      batches.push(batch.length);
      await sleep(10);
      running--;
    });
    await waitFor('40 events', () => batches.reduce((sum, size) => sum + size, 0) >= 40);
    expect(Math.max(...batches)).toBeLessThanOrEqual(8);
    expect(batches.length).toBeLessThan(40); // micro-batched: what had arrived went together
    expect(overlapped).toBe(false);
    await subscription.close();
  });
});

describe('when the server goes away', () => {
  it('a subscription fails with StoreUnavailable, and one from its last position after a restart has no gap and no duplicate', async () => {
    const stream = `asset-${randomUUID()}`;
    await store.appendToStream(stream, events(20), 'no-stream');
    const delivered: RecordedEvent[] = [];
    const filter = { streamNamePrefixes: [stream] };
    const first = store.subscribeToAll({ from: 'start', filter, maxBatchSize: 5 }, async (batch) => {
      delivered.push(...batch);
      await sleep(2);
    });
    await waitFor('the first events', () => delivered.length >= 5);
    const writer = (async () => {
      for (let i = 0; i < 10; i++) await store.appendToStream(stream, events(1), 'any').catch(() => undefined);
    })();
    await server.kill();
    await expect(first.done).rejects.toBeInstanceOf(StoreUnavailable);
    await writer;
    await expect(store.appendToStream(stream, events(1), 'any')).rejects.toBeInstanceOf(StoreUnavailable);
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailable);
    await expect(store.readStream(stream)).rejects.toBeInstanceOf(StoreUnavailable);

    await server.restart();
    await store.ping().catch(() => store.ping());
    for (let i = 0; i < 5; i++) await store.appendToStream(stream, events(2), 'exists');
    const resumed = store.subscribeToAll({ from: delivered[delivered.length - 1].position, filter, maxBatchSize: 5 }, (batch) => {
      delivered.push(...batch);
    });
    const stored = await store.readStream(stream);
    await waitFor('every stored event', () => delivered.length >= stored.length);
    await store.appendToStream(stream, events(1), 'exists');
    await waitFor('the live event', () => delivered.length >= stored.length + 1);
    expect(ids(delivered)).toEqual(ids(await store.readStream(stream)));
    await resumed.close();
    await expect(resumed.done).resolves.toBeUndefined();
  });

  it('close() ends open subscriptions first, so the server can then stop gracefully', async () => {
    const own = openEsdbEventStore({ connectionString: server.connectionString });
    const subscription = own.subscribeToAll({ from: 'start' }, () => undefined);
    await sleep(50);
    await own.close();
    await expect(subscription.done).resolves.toBeUndefined();
  });
});
