/**
 * The contract every EventStore adapter meets: run it against the embedded SQLite store, the EventStoreDB adapter on
 * a test server, and a real EventStoreDB server. So it never assumes an empty log (a real server holds system events
 * and other runs' events: positions and heads are captured before acting), never assumes dense positions (only strictly
 * increasing ones), and writes every test to streams of its own (`conf-asset-<uuid>`, `conf-party-<uuid>`, ...), outside the ledger's
 * categories, so a ledger reading the same server never sees them.
 */
import { v4 as uuid } from 'uuid';
import {
  comparePositions, WrongExpectedRevision,
  type EventStore, type EventToAppend, type ExpectedRevision, type GlobalPosition, type ReadAllOptions,
  type RecordedEvent, type StoreSubscription,
} from '@chip-ledger/event-store';

export type OpenedStore = { store: EventStore; close(): Promise<void> };
export type StoreCapabilities = {
  /** appendToStreams is all or nothing (the embedded store); EventStoreDB writes stream by stream. */
  atomicMultiStreamAppend: boolean;
};

const WAIT_MS = 10_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const streamOf = (category: 'asset' | 'party' | 'facility'): string => `conf-${category}-${uuid()}`;

let counter = 0;
const anEvent = (data: Record<string, unknown> = {}): EventToAppend => ({
  id: uuid(),
  type: 'ConformanceChecked',
  data: { n: ++counter, ...data },
  metadata: { commandId: uuid(), schemaVersion: 1 },
});
const events = (count: number, data: Record<string, unknown> = {}): EventToAppend[] =>
  Array.from({ length: count }, () => anEvent(data));

const ids = (list: readonly { id: string }[]): string[] => list.map((event) => event.id);

const waitFor = async (what: string, condition: () => boolean, timeoutMs = WAIT_MS): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
};

const collect = async (iterable: AsyncIterable<RecordedEvent>, until?: (event: RecordedEvent) => boolean): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  for await (const event of iterable) {
    out.push(event);
    if (until?.(event)) break;
  }
  return out;
};

const expectStrictlyIncreasing = (positions: readonly GlobalPosition[]): void => {
  for (let i = 1; i < positions.length; i++) {
    if (comparePositions(positions[i - 1], positions[i]) >= 0) {
      throw new Error(`Positions not strictly increasing at ${i}: ${String(positions[i - 1].commit)}/${String(positions[i - 1].prepare)} then ${String(positions[i].commit)}/${String(positions[i].prepare)}`);
    }
  }
};

const expectConflict = async (
  attempt: Promise<unknown>, streamName: string, expected: ExpectedRevision, actual: bigint | 'no-stream',
): Promise<void> => {
  const error = await attempt.then(() => null, (thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(WrongExpectedRevision);
  const conflict = error as WrongExpectedRevision;
  expect(conflict.streamName).toBe(streamName);
  expect(conflict.expected).toBe(expected);
  expect(conflict.actual).toBe(actual);
};

/** Orders our own events by global position, as the log holds them. */
const inLogOrder = (list: readonly RecordedEvent[]): RecordedEvent[] =>
  [...list].sort((a, b) => comparePositions(a.position, b.position));

type Received = { events: RecordedEvent[]; batches: number[]; overlapping: number; systemEvents: number };

/** A subscription that records what it gets, checks global order, and can be slowed down or made to fail. */
const recordingSubscription = (
  store: EventStore,
  options: Parameters<EventStore['subscribeToAll']>[0],
  behaviour: { delayMs?: number; failOn?: (event: RecordedEvent) => boolean } = {},
): { received: Received; subscription: StoreSubscription } => {
  const received: Received = { events: [], batches: [], overlapping: 0, systemEvents: 0 };
  let inFlight = 0;
  let last: GlobalPosition | null = null;
  const subscription = store.subscribeToAll(options, async (batch) => {
    inFlight++;
    try {
      if (inFlight > 1) received.overlapping++;
      received.batches.push(batch.length);
      for (const event of batch) {
        if (last && comparePositions(last, event.position) >= 0) throw new Error('Subscription delivered out of global order');
        last = event.position;
        if (event.type.startsWith('$')) received.systemEvents++;
        if (behaviour.failOn?.(event)) throw new Error('handler failed on purpose');
        received.events.push(event);
      }
      if (behaviour.delayMs) await sleep(behaviour.delayMs);
    } finally {
      inFlight--;
    }
  });
  // Observed by each test; this keeps a rejection from surfacing as unhandled before the test looks at it.
  subscription.done.catch(() => undefined);
  return { received, subscription };
};

export function describeEventStoreConformance(
  name: string,
  open: () => Promise<OpenedStore>,
  capabilities: StoreCapabilities,
): void {
  describe(`EventStore conformance: ${name}`, () => {
    let opened: OpenedStore;
    let store: EventStore;
    const subscriptions: StoreSubscription[] = [];
    const track = <T extends { subscription: StoreSubscription }>(made: T): T => {
      subscriptions.push(made.subscription);
      return made;
    };
    /** Where the log ends now: a subscription from here gets only what comes next. */
    const here = async (): Promise<GlobalPosition | 'start'> => (await store.headPosition()) ?? 'start';

    beforeAll(async () => {
      opened = await open();
      store = opened.store;
    });

    afterAll(async () => {
      await Promise.all(subscriptions.map((subscription) => subscription.close()));
      await opened?.close();
    });

    it('describes itself and answers a ping', async () => {
      expect(['sqlite', 'eventstoredb']).toContain(store.info.kind);
      expect(typeof store.info.location).toBe('string');
      await expect(store.ping()).resolves.toBeUndefined();
    });

    describe('append with an expected revision', () => {
      it('no-stream: creates a stream, then conflicts once it exists', async () => {
        const stream = streamOf('asset');
        const first = await store.appendToStream(stream, events(2), 'no-stream');
        expect(first.nextExpectedRevision).toBe(1n);
        await expectConflict(store.appendToStream(stream, events(1), 'no-stream'), stream, 'no-stream', 1n);
      });

      it('exists: conflicts on a missing stream, appends to an existing one', async () => {
        const stream = streamOf('asset');
        await expectConflict(store.appendToStream(stream, events(1), 'exists'), stream, 'exists', 'no-stream');
        await store.appendToStream(stream, events(1), 'no-stream');
        const second = await store.appendToStream(stream, events(2), 'exists');
        expect(second.nextExpectedRevision).toBe(2n);
      });

      it('exact revision: appends at the last revision, conflicts below it, above it and on a missing stream', async () => {
        const stream = streamOf('asset');
        await expectConflict(store.appendToStream(stream, events(1), 0n), stream, 0n, 'no-stream');
        await store.appendToStream(stream, events(3), 'no-stream');
        await expectConflict(store.appendToStream(stream, events(1), 1n), stream, 1n, 2n);
        await expectConflict(store.appendToStream(stream, events(1), 3n), stream, 3n, 2n);
        const next = await store.appendToStream(stream, events(1), 2n);
        expect(next.nextExpectedRevision).toBe(3n);
      });

      it('any: appends to a missing stream and to an existing one', async () => {
        const stream = streamOf('asset');
        expect((await store.appendToStream(stream, events(1), 'any')).nextExpectedRevision).toBe(0n);
        expect((await store.appendToStream(stream, events(2), 'any')).nextExpectedRevision).toBe(2n);
        expect((await store.readStream(stream)).map((e) => e.revision)).toEqual([0n, 1n, 2n]);
      });

      it('a failed append changes nothing: the stream, its revision and the refused ids stay as they were', async () => {
        const stream = streamOf('asset');
        const head = await store.appendToStream(stream, events(2), 'no-stream');
        const before = await store.readStream(stream);
        const refused = events(3);
        for (const expected of ['no-stream', 0n, 5n] as const) {
          await expectConflict(store.appendToStream(stream, refused, expected), stream, expected, 1n);
        }
        const after = await store.readStream(stream);
        expect(ids(after)).toEqual(ids(before));
        expect(after.map((e) => e.revision)).toEqual([0n, 1n]);
        // The stream is not locked and the refused ids were not kept: the same batch at the right revision lands.
        const retried = await store.appendToStream(stream, refused, head.nextExpectedRevision);
        expect(retried.nextExpectedRevision).toBe(4n);
        expect(ids(await store.readStream(stream))).toEqual([...ids(before), ...ids(refused)]);
      });

      it('a failed append on a missing stream does not create it', async () => {
        const stream = streamOf('asset');
        await expectConflict(store.appendToStream(stream, events(1), 4n), stream, 4n, 'no-stream');
        await expectConflict(store.appendToStream(stream, events(1), 'exists'), stream, 'exists', 'no-stream');
        expect(await store.readStream(stream)).toEqual([]);
        expect((await store.appendToStream(stream, events(1), 'no-stream')).nextExpectedRevision).toBe(0n);
      });
    });

    describe('idempotent re-append', () => {
      it('the same ids with the original exact revision answer as the first append and store one copy', async () => {
        const stream = streamOf('asset');
        await store.appendToStream(stream, events(2), 'no-stream');
        const batch = events(3);
        const original = await store.appendToStream(stream, batch, 1n);
        const again = await store.appendToStream(stream, batch, 1n);
        expect(again).toEqual(original);
        const stored = await store.readStream(stream);
        expect(stored).toHaveLength(5);
        expect(ids(stored.slice(2))).toEqual(ids(batch));
      });

      it('the same ids with no-stream answer as the first append, even after the stream moved on', async () => {
        const stream = streamOf('asset');
        const batch = events(2);
        const original = await store.appendToStream(stream, batch, 'no-stream');
        await store.appendToStream(stream, events(1), 1n);
        const again = await store.appendToStream(stream, batch, 'no-stream');
        expect(again).toEqual(original);
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it('the same ids with any answer as the first append', async () => {
        const stream = streamOf('asset');
        await store.appendToStream(stream, events(1), 'any');
        const batch = events(2);
        const original = await store.appendToStream(stream, batch, 'any');
        const again = await store.appendToStream(stream, batch, 'any');
        expect(again).toEqual(original);
        expect(ids(await store.readStream(stream))).toHaveLength(3);
      });

      it('a batch only partly stored is a conflict and writes nothing', async () => {
        const stream = streamOf('asset');
        const [a, b] = events(2);
        await store.appendToStream(stream, [a, b], 'no-stream');
        const fresh = anEvent();
        await expectConflict(store.appendToStream(stream, [a, fresh], 'no-stream'), stream, 'no-stream', 1n);
        await expect(store.appendToStream(stream, [b, fresh], 'any')).rejects.toBeInstanceOf(WrongExpectedRevision);
        expect(ids(await store.readStream(stream))).toEqual([a.id, b.id]);
      });
    });

    describe('appendToStreams', () => {
      it('writes several streams in order and answers per stream', async () => {
        const asset = streamOf('asset');
        const party = streamOf('party');
        await store.appendToStream(party, events(1), 'no-stream');
        const writes = [
          { streamName: asset, events: events(2), expectedRevision: 'no-stream' as const },
          { streamName: party, events: events(1), expectedRevision: 0n },
        ];
        const results = await store.appendToStreams(writes);
        expect(results.map((r) => r.nextExpectedRevision)).toEqual([1n, 1n]);
        expect(comparePositions(results[0].position, results[1].position)).toBeLessThan(0);
        const [assetEvents, partyEvents] = [await store.readStream(asset), await store.readStream(party)];
        expect(ids(assetEvents)).toEqual(ids(writes[0].events));
        expect(ids(partyEvents.slice(1))).toEqual(ids(writes[1].events));
        expect(comparePositions(assetEvents[1].position, results[0].position)).toBe(0);
        expect(comparePositions(partyEvents[1].position, results[1].position)).toBe(0);
        // A retried call (same ids) completes without writing twice.
        expect(await store.appendToStreams(writes)).toEqual(results);
        expect(await store.readStream(asset)).toHaveLength(2);
        expect(await store.readStream(party)).toHaveLength(2);
      });

      it('reports a conflict in a later write', async () => {
        const first = streamOf('asset');
        const second = streamOf('party');
        await store.appendToStream(second, events(1), 'no-stream');
        await expect(store.appendToStreams([
          { streamName: first, events: events(1), expectedRevision: 'no-stream' },
          { streamName: second, events: events(1), expectedRevision: 'no-stream' },
        ])).rejects.toBeInstanceOf(WrongExpectedRevision);
        if (capabilities.atomicMultiStreamAppend) {
          // All or nothing: the first write, checked fine, is not there either.
          expect(await store.readStream(first)).toEqual([]);
        }
        expect(await store.readStream(second)).toHaveLength(1);
      });
    });

    describe('readStream', () => {
      let stream: string;
      let written: EventToAppend[];
      beforeAll(async () => {
        stream = streamOf('asset');
        written = events(10);
        await store.appendToStream(stream, written.slice(0, 4), 'no-stream');
        await store.appendToStream(stream, written.slice(4), 3n);
      });

      it('reads forwards from the start by default', async () => {
        const read = await store.readStream(stream);
        expect(ids(read)).toEqual(ids(written));
        expect(read.map((e) => e.revision)).toEqual(written.map((_, i) => BigInt(i)));
        expect(read.every((e) => e.streamName === stream && e.type === 'ConformanceChecked')).toBe(true);
        expectStrictlyIncreasing(read.map((e) => e.position));
      });

      it('reads forwards from an inclusive revision with maxCount', async () => {
        const read = await store.readStream(stream, { fromRevision: 3n, maxCount: 4 });
        expect(read.map((e) => e.revision)).toEqual([3n, 4n, 5n, 6n]);
        expect(ids(read)).toEqual(ids(written.slice(3, 7)));
        expect((await store.readStream(stream, { fromRevision: 8n, maxCount: 5 })).map((e) => e.revision)).toEqual([8n, 9n]);
        expect(await store.readStream(stream, { fromRevision: 10n })).toEqual([]);
      });

      it('reads backwards from the end by default, and from an inclusive revision with maxCount', async () => {
        expect((await store.readStream(stream, { direction: 'backwards', maxCount: 2 })).map((e) => e.revision)).toEqual([9n, 8n]);
        const read = await store.readStream(stream, { direction: 'backwards', fromRevision: 6n, maxCount: 3 });
        expect(read.map((e) => e.revision)).toEqual([6n, 5n, 4n]);
        expect(ids(read)).toEqual(ids(written.slice(4, 7)).reverse());
        const all = await store.readStream(stream, { direction: 'backwards' });
        expect(ids(all)).toEqual(ids(written).reverse());
        expect((await store.readStream(stream, { direction: 'backwards', fromRevision: 1n })).map((e) => e.revision)).toEqual([1n, 0n]);
      });

      it('reads a missing stream as empty, in both directions', async () => {
        const missing = streamOf('asset');
        expect(await store.readStream(missing)).toEqual([]);
        expect(await store.readStream(missing, { direction: 'backwards', maxCount: 1 })).toEqual([]);
      });
    });

    describe('recorded events', () => {
      it('round-trip data and metadata as JSON, with the append result position and a sensible created time', async () => {
        const stream = streamOf('asset');
        const data = {
          text: 'ünïcødé ✓ "quoted" \\ back\nslash', number: 1.5, negative: -3, large: Number.MAX_SAFE_INTEGER,
          yes: true, no: false, nothing: null, list: [1, 'two', { three: 3 }, []], nested: { deeper: { deepest: {} } },
        };
        const metadata = {
          occurredAt: '2025-01-02T03:04:05.678Z', recordedAt: '2025-01-02T03:04:06.000Z', actor: 'party-1',
          commandId: uuid(), correlationId: uuid(), causationId: uuid(), schemaVersion: 1,
        };
        const event: EventToAppend = { id: uuid(), type: 'AssetManufactured', data, metadata };
        const before = Date.now();
        const result = await store.appendToStream(stream, [event], 'no-stream');
        const after = Date.now();
        const [read] = await store.readStream(stream);
        expect(read.id).toBe(event.id);
        expect(read.type).toBe('AssetManufactured');
        expect(read.streamName).toBe(stream);
        expect(read.revision).toBe(0n);
        expect(read.data).toEqual(data);
        expect(read.metadata).toEqual(metadata);
        expect(typeof read.position.commit).toBe('bigint');
        expect(typeof read.position.prepare).toBe('bigint');
        expect(comparePositions(read.position, result.position)).toBe(0);
        expect(read.created).toBeInstanceOf(Date);
        // A server's clock may differ from ours a little; a wrong unit (seconds, ticks) would be far off.
        expect(read.created.getTime()).toBeGreaterThan(before - 5 * 60_000);
        expect(read.created.getTime()).toBeLessThan(after + 5 * 60_000);
      });

      it('a multi-event append answers with the position of its last event', async () => {
        const stream = streamOf('asset');
        const result = await store.appendToStream(stream, events(3), 'no-stream');
        const read = await store.readStream(stream);
        expectStrictlyIncreasing(read.map((e) => e.position));
        expect(comparePositions(read[2].position, result.position)).toBe(0);
      });
    });

    describe('readAll', () => {
      let asset: string;
      let party: string;
      let facility: string;
      let ours: RecordedEvent[]; // in log order
      let ourStreams: Set<string>;
      const mine = (event: RecordedEvent) => ourStreams.has(event.streamName);
      beforeAll(async () => {
        [asset, party, facility] = [streamOf('asset'), streamOf('party'), streamOf('facility')];
        ourStreams = new Set([asset, party, facility]);
        for (let i = 0; i < 4; i++) {
          await store.appendToStream(asset, events(2), 'any');
          await store.appendToStream(party, events(1), 'any');
          await store.appendToStream(facility, events(1), 'any');
        }
        ours = inLogOrder([
          ...await store.readStream(asset), ...await store.readStream(party), ...await store.readStream(facility),
        ]);
      });

      it('reads forwards from an inclusive position, in strictly increasing positions', async () => {
        const from = ours[3].position;
        const last = ours[ours.length - 1];
        const read = await collect(store.readAll({ fromPosition: from }), (event) => event.id === last.id);
        expect(comparePositions(read[0].position, from)).toBe(0);
        expect(read[0].id).toBe(ours[3].id);
        expectStrictlyIncreasing(read.map((e) => e.position));
        expect(ids(read.filter(mine))).toEqual(ids(ours.slice(3)));
        expect(read.filter((e) => e.type.startsWith('$'))).toEqual([]);
      });

      it('reads backwards from an inclusive position, in strictly decreasing positions', async () => {
        const from = ours[8].position;
        const first = ours[0];
        const read = await collect(store.readAll({ direction: 'backwards', fromPosition: from }), (event) => event.id === first.id);
        expect(read[0].id).toBe(ours[8].id);
        expectStrictlyIncreasing(read.map((e) => e.position).reverse());
        expect(ids(read.filter(mine))).toEqual(ids(ours.slice(0, 9)).reverse());
      });

      it('honours maxCount, counting delivered events', async () => {
        const prefixes = [asset, party, facility];
        const forwards = await collect(store.readAll({ fromPosition: ours[2].position, maxCount: 5, filter: { streamNamePrefixes: prefixes } }));
        expect(ids(forwards)).toEqual(ids(ours.slice(2, 7)));
        const backwards = await collect(store.readAll({
          direction: 'backwards', fromPosition: ours[6].position, maxCount: 3, filter: { streamNamePrefixes: prefixes },
        }));
        expect(ids(backwards)).toEqual(ids(ours.slice(4, 7)).reverse());
      });

      it('filters by stream-name prefixes', async () => {
        const last = ours[ours.length - 1];
        const options: ReadAllOptions = { fromPosition: ours[0].position, filter: { streamNamePrefixes: ['conf-party-', 'conf-facility-'] } };
        const read = await collect(store.readAll(options), (event) => comparePositions(event.position, last.position) >= 0);
        expect(read.every((e) => e.streamName.startsWith('conf-party-') || e.streamName.startsWith('conf-facility-'))).toBe(true);
        expect(ids(read.filter(mine))).toEqual(ids(ours.filter((e) => e.streamName !== asset)));
        const onlyOne = await collect(store.readAll({ fromPosition: ours[0].position, filter: { streamNamePrefixes: [party] } }));
        expect(ids(onlyOne)).toEqual(ids(ours.filter((e) => e.streamName === party)));
      });

      it('reads the end of the log backwards by default', async () => {
        const stream = streamOf('asset');
        const result = await store.appendToStream(stream, events(1), 'no-stream');
        const [latest] = await collect(store.readAll({ direction: 'backwards', maxCount: 1, filter: { streamNamePrefixes: [stream] } }));
        expect(latest.streamName).toBe(stream);
        expect(comparePositions(latest.position, result.position)).toBe(0);
      });
    });

    describe('headPosition', () => {
      it('moves forward after an append, to at least the appended position', async () => {
        const before = await store.headPosition();
        const result = await store.appendToStream(streamOf('asset'), events(1), 'no-stream');
        const after = await store.headPosition();
        expect(after).not.toBeNull();
        if (before) expect(comparePositions(after as GlobalPosition, before)).toBeGreaterThan(0);
        expect(comparePositions(after as GlobalPosition, result.position)).toBeGreaterThanOrEqual(0);
      });
    });

    describe('subscribeToAll', () => {
      it('catches up from an exclusive position while appends race with it, turns live, with no gap or duplicate', async () => {
        const streams = [streamOf('asset'), streamOf('asset'), streamOf('party'), streamOf('facility'), streamOf('asset')];
        const ourStreams = new Set(streams);
        const mark = await store.appendToStream(streams[0], events(1), 'no-stream'); // excluded: the start is exclusive
        await Promise.all(streams.slice(1).map((s) => store.appendToStream(s, events(10), 'no-stream')));
        await store.appendToStream(streams[0], events(10), 0n);
        const { received, subscription } = track(recordingSubscription(store, { from: mark.position, maxBatchSize: 50 }));
        // 450 more, in 1 to 3 event appends, five streams at once, while the subscription catches up.
        let sizes = 0;
        await Promise.all(streams.map(async (s) => {
          for (let written = 0; written < 90;) {
            const n = Math.min(1 + (sizes++ % 3), 90 - written);
            await store.appendToStream(s, events(n), 'exists');
            written += n;
          }
        }));
        const everything = async () => inLogOrder((await Promise.all(streams.map((s) => store.readStream(s)))).flat());
        const expected = (await everything()).slice(1);
        expect(expected).toHaveLength(500);
        const mine = () => received.events.filter((e) => ourStreams.has(e.streamName));
        await waitFor('the catch-up to deliver 500 events', () => mine().length >= 500);
        // Live: appended after catching up.
        await store.appendToStream(streams[2], events(3), 'exists');
        await store.appendToStreams([
          { streamName: streams[3], events: events(2), expectedRevision: 'exists' },
          { streamName: streams[4], events: events(1), expectedRevision: 'exists' },
        ]);
        await waitFor('the live events', () => mine().length >= 506);
        await sleep(50);
        const all = (await everything()).slice(1);
        expect(ids(mine())).toEqual(ids(all));
        expect(new Set(ids(received.events)).size).toBe(received.events.length);
        expect(received.events.every((e) => comparePositions(e.position, mark.position) > 0)).toBe(true);
        expect(Math.max(...received.batches)).toBeLessThanOrEqual(50);
        expect(received.overlapping).toBe(0);
        expect(received.systemEvents).toBe(0);
        await subscription.close();
      });

      it('starts strictly after the given position', async () => {
        const stream = streamOf('asset');
        const result = await store.appendToStream(stream, events(3), 'no-stream');
        const [first] = await store.readStream(stream);
        const { received, subscription } = track(recordingSubscription(store, { from: first.position, filter: { streamNamePrefixes: [stream] } }));
        await waitFor('two events', () => received.events.length >= 2);
        await sleep(50);
        expect(received.events.map((e) => e.revision)).toEqual([1n, 2n]);
        expect(comparePositions(received.events[1].position, result.position)).toBe(0);
        await subscription.close();
      });

      it('a filtered subscription sees only streams with a matching prefix', async () => {
        const from = await here();
        const [asset, party, facility] = [streamOf('asset'), streamOf('party'), streamOf('facility')];
        const { received, subscription } = track(recordingSubscription(store, { from, filter: { streamNamePrefixes: ['conf-party-', 'conf-facility-'] } }));
        for (let i = 0; i < 5; i++) {
          await store.appendToStream(asset, events(2), 'any');
          await store.appendToStream(party, events(1), 'any');
          await store.appendToStream(facility, events(1), 'any');
        }
        const wanted = inLogOrder([...await store.readStream(party), ...await store.readStream(facility)]);
        const ours = () => received.events.filter((e) => e.streamName === party || e.streamName === facility);
        await waitFor('the party and facility events', () => ours().length >= wanted.length);
        await store.appendToStream(party, events(1), 'any'); // a marker: everything before it was delivered
        await waitFor('the marker', () => ours().length > wanted.length);
        expect(ids(ours()).slice(0, wanted.length)).toEqual(ids(wanted));
        expect(received.events.every((e) => e.streamName.startsWith('conf-party-') || e.streamName.startsWith('conf-facility-'))).toBe(true);
        expect(received.events.filter((e) => e.streamName === asset)).toEqual([]);
        await subscription.close();
      });

      it('waits for a slow handler, one batch at a time, and loses nothing', async () => {
        const stream = streamOf('asset');
        const from = await here();
        await store.appendToStream(stream, events(30), 'no-stream');
        const { received, subscription } = track(recordingSubscription(
          store, { from, maxBatchSize: 7, filter: { streamNamePrefixes: [stream] } }, { delayMs: 15 },
        ));
        for (let i = 0; i < 10; i++) await store.appendToStream(stream, events(3), 'exists');
        await waitFor('60 events', () => received.events.length >= 60);
        await sleep(50);
        expect(received.events.map((e) => e.revision)).toEqual(Array.from({ length: 60 }, (_, i) => BigInt(i)));
        expect(received.overlapping).toBe(0);
        expect(Math.max(...received.batches)).toBeLessThanOrEqual(7);
        await subscription.close();
      });

      it('close() resolves done and stops delivery', async () => {
        const stream = streamOf('asset');
        const from = await here();
        const { received, subscription } = recordingSubscription(store, { from, filter: { streamNamePrefixes: [stream] } });
        await store.appendToStream(stream, events(1), 'no-stream');
        await waitFor('the first event', () => received.events.length === 1);
        await subscription.close();
        await expect(subscription.done).resolves.toBeUndefined();
        await store.appendToStream(stream, events(1), 'exists');
        await sleep(300);
        expect(received.events).toHaveLength(1);
      });

      it('a handler that throws rejects done', async () => {
        const stream = streamOf('asset');
        const from = await here();
        const { received, subscription } = track(recordingSubscription(
          store, { from, filter: { streamNamePrefixes: [stream] } }, { failOn: (event) => event.revision === 1n },
        ));
        await store.appendToStream(stream, events(1), 'no-stream');
        await waitFor('the first event', () => received.events.length === 1);
        await store.appendToStream(stream, events(2), 'exists');
        await expect(subscription.done).rejects.toThrow('handler failed on purpose');
        await expect(subscription.close()).resolves.toBeUndefined();
        expect(received.events.map((e) => e.revision)).toEqual([0n]);
      });
    });
  });
}
