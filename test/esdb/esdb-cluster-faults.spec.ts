import { randomUUID } from 'node:crypto';
import type { AddressInfo, Server, Socket } from 'node:net';
import { createServer } from 'node:net';
import { EventStoreDBClient, FORWARDS, START } from '@eventstore/db-client';
import {
  AppendTooLarge, EsdbEventStore, StoreUnavailable, StreamDeleted, WrongExpectedRevision, openEsdbEventStore,
} from '@chip-ledger/event-store';
import type { EventStore, EventToAppend } from '@chip-ledger/event-store';
import { CLUSTER_DEFAULTS, withClusterDefaults } from '../../libs/event-store/src/esdb/esdb-connection';
import type { RetryPolicy } from '../../libs/event-store/src/esdb/esdb-retry';
import type { EsdbTestServer, EsdbTestServerOptions } from './esdb-test-server';
import { startEsdbTestServer } from './esdb-test-server';

/**
 * The adapter against what a real cluster does (injected into the test server, over real gRPC, through the unmodified
 * client): each fault ends in the port's typed outcome, and an acknowledged write is in the log exactly once.
 */

const FAST: RetryPolicy = { attempts: 5, firstDelayMs: 20, maxDelayMs: 400, budgetMs: 3_000 };

const opened: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const resource of opened.reverse()) await resource.close();
});

const serverWith = async (options: EsdbTestServerOptions = {}): Promise<EsdbTestServer> => {
  const server = await startEsdbTestServer({ writeTimeoutMs: 100, replicationDelayMs: 300, systemEventEvery: 0, ...options });
  opened.push({ close: () => server.stop() });
  return server;
};

const storeOn = (connectionString: string, retryPolicy: RetryPolicy = FAST): EsdbEventStore => {
  const store = new EsdbEventStore({ connectionString, retryPolicy });
  opened.push(store);
  return store;
};

const anEvent = (data: Record<string, unknown> = { n: 1 }): EventToAppend => ({ id: randomUUID(), type: 'AssetShipped', data, metadata: { commandId: randomUUID() } });
const asset = () => `asset-${randomUUID()}`;
const storedIn = (server: EsdbTestServer, stream: string) => server.events().filter((event) => event.streamName === stream).map((event) => event.id);
const rejection = (attempt: Promise<unknown>): Promise<unknown> => attempt.then(() => null, (error: unknown) => error);

describe.each(['batch-append', 'append-only'] as const)('the adapter on a cluster node that is not ready or busy (%s)', (features) => {
  let server: EsdbTestServer;
  let store: EventStore;
  beforeAll(async () => {
    server = await serverWith({ features });
    store = storeOn(server.connectionString);
  });
  afterEach(() => server.faults.clear());

  it.each(['not-ready', 'busy'] as const)('%s on an `any` append: StoreUnavailable (never retried), nothing written', async (fault) => {
    const stream = asset();
    server.faults.failAppends(fault, { stream });
    const error = await rejection(store.appendToStream(stream, [anEvent()], 'any'));
    expect(error).toBeInstanceOf(StoreUnavailable);
    expect(server.faults.injected[fault]).toBeGreaterThan(0);
    expect(storedIn(server, stream)).toEqual([]);
    // The node is ready again: the same append goes through.
    await store.appendToStream(stream, [anEvent()], 'any');
    expect(storedIn(server, stream)).toHaveLength(1);
  });

  it('an exact-revision append meeting NotReady then Busy is retried by the adapter and written once', async () => {
    const stream = asset();
    await store.appendToStream(stream, [anEvent()], 'no-stream');
    const before = { ...server.faults.injected };
    server.faults.failAppends('not-ready', { stream });
    server.faults.failAppends('busy', { stream });
    const event = anEvent();
    const result = await store.appendToStream(stream, [event], 0n);
    expect(result.nextExpectedRevision).toBe(1n);
    expect([server.faults.injected['not-ready'] - before['not-ready'], server.faults.injected.busy - before.busy]).toEqual([1, 1]);
    expect(storedIn(server, stream).filter((id) => id === event.id)).toHaveLength(1);
  });

  it('an exact-revision append the node keeps refusing: StoreUnavailable after the bounded retries, nothing written', async () => {
    const stream = asset();
    server.faults.failAppends('not-ready', { stream, times: Number.POSITIVE_INFINITY });
    const before = server.faults.injected['not-ready'];
    await expect(store.appendToStream(stream, [anEvent()], 'no-stream')).rejects.toBeInstanceOf(StoreUnavailable);
    expect(server.faults.injected['not-ready'] - before).toBe(FAST.attempts);
    expect(storedIn(server, stream)).toEqual([]);
  });
});

describe.each(['batch-append', 'append-only'] as const)('the adapter when a write commits but its answer times out (%s)', (features) => {
  let server: EsdbTestServer;
  let store: EsdbEventStore;
  beforeAll(async () => {
    server = await serverWith({ features });
    store = storeOn(server.connectionString);
  });
  afterEach(() => server.faults.clear());

  it('an exact-revision append is retried through the dropped retries (IdempotentNotReady) until replicated: acknowledged once, written once', async () => {
    const stream = asset();
    server.faults.failAppends('commit-then-timeout', { stream });
    const events = [anEvent(), anEvent()];
    const result = await store.appendToStream(stream, events, 'no-stream');
    expect(result.nextExpectedRevision).toBe(1n);
    expect(storedIn(server, stream)).toEqual(events.map((event) => event.id));
    const recorded = await store.readStream(stream);
    expect(result.position).toEqual(recorded[1].position);
  });

  it('the reply withheld past the client\'s own deadline (DEADLINE_EXCEEDED): retried the same way, written once', async () => {
    const slow = await serverWith({ features, writeTimeoutMs: 2_000, replicationDelayMs: 300 });
    const impatient = storeOn(`${slow.connectionString}&defaultDeadline=100`);
    const stream = asset();
    slow.faults.failAppends('commit-then-timeout', { stream });
    const event = anEvent();
    await impatient.appendToStream(stream, [event], 'no-stream');
    expect(storedIn(slow, stream)).toEqual([event.id]);
  });

  it('an `any` append: StoreUnavailable although the events are in the log (the outcome is unknown to the caller)', async () => {
    const stream = asset();
    server.faults.failAppends('commit-then-timeout', { stream });
    const event = anEvent();
    await expect(store.appendToStream(stream, [event], 'any')).rejects.toBeInstanceOf(StoreUnavailable);
    expect(storedIn(server, stream)).toEqual([event.id]);
  });
});

describe('the dedupe cache of `any` appends, lost on restart (documented: only exact revisions are idempotent for good)', () => {
  it('a retry with the same ids dedupes before the restart, and writes the events again after it; an exact-revision retry never does', async () => {
    const server = await serverWith();
    const store = storeOn(server.connectionString);
    const stream = asset();
    const event = anEvent();
    await store.appendToStream(stream, [event], 'any');
    await store.appendToStream(stream, [event], 'any');
    expect(storedIn(server, stream)).toEqual([event.id]);

    await server.restart();
    await store.ping().catch(() => store.ping());
    await store.appendToStream(stream, [event], 'no-stream'); // exact: compared with the stored events, durable
    expect(storedIn(server, stream)).toEqual([event.id]);
    await store.appendToStream(stream, [event], 'any'); // the cache that knew the id is gone
    expect(storedIn(server, stream)).toEqual([event.id, event.id]);
  });
});

describe('the adapter talking to a follower', () => {
  let server: EsdbTestServer;
  beforeAll(async () => {
    server = await serverWith();
  });

  it('command-path reads never use a stale copy: NotLeader sends the client to the leader', async () => {
    const follower = await server.startFollower();
    const stream = asset();
    const leaderStore = storeOn(server.connectionString);
    await leaderStore.appendToStream(stream, [anEvent()], 'no-stream');
    follower.pauseReplication();
    await leaderStore.appendToStream(stream, [anEvent()], 0n);

    // The fault is real: a read that does not require the leader gets the follower's older copy.
    const plain = EventStoreDBClient.connectionString(follower.connectionString);
    opened.push({ close: () => plain.dispose() });
    const stale = await plain.readStream(stream, { direction: FORWARDS, fromRevision: START }).toArray();
    expect(stale).toHaveLength(1);

    const viaFollower = storeOn(follower.connectionString);
    const read = await viaFollower.readStream(stream);
    expect(read.map((event) => event.revision)).toEqual([0n, 1n]);
    // The next command's append goes to the leader too, at the revision read there.
    await viaFollower.appendToStream(stream, [anEvent()], 1n);
    expect(storedIn(server, stream)).toHaveLength(3);
    await viaFollower.ping();
    expect(viaFollower.info.node).toEqual({ endpoint: `127.0.0.1:${server.port}`, leader: true });
    follower.resumeReplication();
  });

  it('an append sent to a follower first is refused with NotLeader, retried on the leader, and written once', async () => {
    const follower = await server.startFollower();
    const store = storeOn(follower.connectionString);
    const stream = asset();
    const event = anEvent();
    const appendsBefore = server.calls.batchAppend + server.calls.append;
    await store.appendToStream(stream, [event], 'no-stream');
    expect(storedIn(server, stream)).toEqual([event.id]);
    expect(follower.calls.batchAppend + follower.calls.append).toBeGreaterThan(0);
    expect(server.calls.batchAppend + server.calls.append).toBeGreaterThan(appendsBefore);
  });
});

describe('the adapter during an election (a follower that knows no leader yet)', () => {
  it.each(['batch-append', 'append-only'] as const)('appends: StoreUnavailable, nothing written; ping: reachable, not the leader; then the leader takes the write (%s)', async (features) => {
    const server = await serverWith({ features });
    const follower = await server.startFollower();
    follower.setLeaderKnown(false);
    const store = storeOn(follower.connectionString);
    const stream = asset();
    await expect(store.appendToStream(stream, [anEvent()], 'no-stream')).rejects.toBeInstanceOf(StoreUnavailable);
    expect(storedIn(server, stream)).toEqual([]);
    await store.ping();
    expect(store.info.node).toEqual({ endpoint: `127.0.0.1:${follower.port}`, leader: false });

    follower.setLeaderKnown(true);
    await store.appendToStream(stream, [anEvent()], 'no-stream');
    expect(storedIn(server, stream)).toHaveLength(1);
    await store.ping();
    expect(store.info.node).toEqual({ endpoint: `127.0.0.1:${server.port}`, leader: true });
  });
});

describe('tombstoned streams and the maximum append size', () => {
  let server: EsdbTestServer;
  let store: EventStore;
  beforeAll(async () => {
    server = await serverWith({ maxAppendSize: 1_000 });
    store = storeOn(server.connectionString);
  });

  it('a tombstoned stream: reads and appends fail with StreamDeleted, whatever the expected revision', async () => {
    const stream = asset();
    await store.appendToStream(stream, [anEvent()], 'no-stream');
    const client = EventStoreDBClient.connectionString(server.connectionString);
    opened.push({ close: () => client.dispose() });
    await client.tombstoneStream(stream);
    expect(server.events().filter((event) => event.streamName === stream).map((event) => event.type)).toEqual(['AssetShipped', '$streamDeleted']);

    const read = await rejection(store.readStream(stream));
    expect(read).toBeInstanceOf(StreamDeleted);
    expect((read as StreamDeleted).streamName).toBe(stream);
    for (const expected of ['any', 0n, 'no-stream'] as const) {
      await expect(store.appendToStream(stream, [anEvent()], expected)).rejects.toBeInstanceOf(StreamDeleted);
    }
    expect(await store.readStream(`asset-${randomUUID()}`)).toEqual([]); // a missing stream still reads as empty
  });

  it('counts data + metadata + 2 × the type length against the maximum, as EventStoreDB 24.10.4+ does', async () => {
    const sized = (total: number): EventToAppend => {
      const event = { id: randomUUID(), type: 'AssetShipped', data: { text: '' }, metadata: { m: 1 } };
      const overhead = Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(event.metadata)) + 2 * event.type.length;
      return { ...event, data: { text: 'x'.repeat(total - overhead) } };
    };
    const atLimit = asset();
    await store.appendToStream(atLimit, [sized(1_000)], 'no-stream');
    const over = asset();
    const error = await rejection(store.appendToStream(over, [sized(1_001)], 'no-stream'));
    expect(error).toBeInstanceOf(AppendTooLarge);
    expect((error as AppendTooLarge).maxAppendSize).toBe(1_000);
    expect(storedIn(server, over)).toEqual([]);
    // Its data and metadata alone are within the limit: the type's 2 × 12 bytes are what tips it over.
    const { data, metadata } = sized(1_001);
    expect(Buffer.byteLength(JSON.stringify(data)) + Buffer.byteLength(JSON.stringify(metadata))).toBeLessThanOrEqual(1_000);
  });

  it('a stale expected revision is still a conflict, not retried into success', async () => {
    const stream = asset();
    await store.appendToStream(stream, [anEvent(), anEvent()], 'no-stream');
    await expect(store.appendToStream(stream, [anEvent()], 0n)).rejects.toBeInstanceOf(WrongExpectedRevision);
    expect(storedIn(server, stream)).toHaveLength(2);
  });
});

describe('an unreachable cluster', () => {
  it('appends the documented defaults the connection string does not set, and keeps the ones it does', () => {
    const { connectionString, settings } = withClusterDefaults('esdb://a:2113,b:2113?tls=false&GossipTimeout=3&default_deadline=8000');
    const query = new URLSearchParams(connectionString.split('?')[1]);
    expect(Object.fromEntries(query)).toEqual({
      tls: 'false', GossipTimeout: '3', default_deadline: '8000',
      maxDiscoverAttempts: `${CLUSTER_DEFAULTS.maxDiscoverAttempts}`, discoveryInterval: `${CLUSTER_DEFAULTS.discoveryInterval}`,
      keepAliveTimeout: `${CLUSTER_DEFAULTS.keepAliveTimeout}`,
    });
    expect(settings).toEqual({ ...CLUSTER_DEFAULTS, gossipTimeout: 3, defaultDeadline: 8_000 });
    expect(withClusterDefaults('esdb://a:2113').connectionString).toBe(
      `esdb://a:2113?maxDiscoverAttempts=2&discoveryInterval=250&gossipTimeout=1&defaultDeadline=5000&keepAliveTimeout=5000`);
    // Discovery over three silent seeds gives up after attempts × seeds × gossip timeout + the pauses: seconds, not minutes.
    const { maxDiscoverAttempts, gossipTimeout, discoveryInterval } = CLUSTER_DEFAULTS;
    expect(maxDiscoverAttempts * (3 * gossipTimeout * 1_000 + discoveryInterval)).toBeLessThanOrEqual(7_000);
  });

  it('seeds that accept connections and never answer, or refuse them: StoreUnavailable, from every kind of call', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket); // accepted, never answered: a hung node
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve())); // nothing listens there any more
    const store = openEsdbEventStore({ connectionString: `esdb://127.0.0.1:${(silent.address() as AddressInfo).port},127.0.0.1:${closedPort}?tls=false` });
    try {
      const failures = await Promise.all([
        rejection(store.appendToStream(asset(), [anEvent()], 'no-stream')),
        rejection(store.readStream(asset())),
        rejection(store.ping()),
      ]);
      for (const failure of failures) expect(failure).toBeInstanceOf(StoreUnavailable);
    } finally {
      await store.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  }, 15_000);
});

describe('what the health check learns', () => {
  it('after a ping: the node the client talks to, and that it is the leader', async () => {
    const server = await serverWith();
    const store = storeOn(server.connectionString);
    expect(store.info.node).toBeUndefined();
    await store.ping();
    expect(store.info).toEqual({ kind: 'eventstoredb', location: server.connectionString, node: { endpoint: `127.0.0.1:${server.port}`, leader: true } });
    // Reads and stream reads backwards are unaffected by the leader requirement.
    const stream = asset();
    await store.appendToStream(stream, [anEvent(), anEvent()], 'no-stream');
    expect((await store.readStream(stream, { direction: 'backwards', maxCount: 1 }))[0].revision).toBe(1n);
  });
});
