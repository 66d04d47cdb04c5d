import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import {
  ANY, BACKWARDS, DeadlineExceededError, END, EventStoreDBClient, FORWARDS, MaxAppendSizeExceededError, NO_STREAM, START,
  STREAM_EXISTS, StreamNotFoundError, TimeoutError, UnavailableError, UnknownError, WrongExpectedVersionError,
  eventTypeFilter, jsonEvent, streamNameFilter,
} from '@eventstore/db-client';
import type { AllStreamResolvedEvent, AppendExpectedRevision, Position, ResolvedEvent } from '@eventstore/db-client';
import { Empty, StreamIdentifier } from '@eventstore/db-client/generated/shared_pb';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { EsdbTestServer, EsdbTestServerOptions } from './esdb-test-server';
import { startEsdbTestServer } from './esdb-test-server';

/**
 * The test double, spoken to by the unmodified client (and, where the order of wire messages matters, by a bare gRPC
 * client on the same generated service definitions).
 */

const servers: EsdbTestServer[] = [];
const clients: EventStoreDBClient[] = [];
afterAll(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await Promise.all(servers.map((server) => server.stop()));
});

const start = async (options: EsdbTestServerOptions = {}): Promise<{ server: EsdbTestServer; client: EventStoreDBClient }> => {
  const server = await startEsdbTestServer(options);
  servers.push(server);
  const client = EventStoreDBClient.connectionString(server.connectionString);
  clients.push(client);
  return { server, client };
};

const event = (type = 'ChipShipped', data: Record<string, unknown> = { n: 1 }) =>
  jsonEvent({ id: randomUUID(), type, data, metadata: { commandId: randomUUID() } });

const stream = (category = 'asset') => `${category}-${randomUUID()}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const waitFor = async (what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(5);
  }
};

const readAll = async (client: EventStoreDBClient, options: Parameters<EventStoreDBClient['readAll']>[0] = {}) => {
  const out: AllStreamResolvedEvent[] = [];
  for await (const resolved of client.readAll(options)) out.push(resolved);
  return out;
};

const readStream = async (client: EventStoreDBClient, name: string, options: Parameters<EventStoreDBClient['readStream']>[1] = {}) => {
  const out: ResolvedEvent[] = [];
  for await (const resolved of client.readStream(name, options)) out.push(resolved);
  return out;
};

const wrongVersion = async (attempt: Promise<unknown>): Promise<WrongExpectedVersionError> => {
  const error = await attempt.then(() => null, (thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(WrongExpectedVersionError);
  return error as WrongExpectedVersionError;
};

/** A bare gRPC Read call, recording every wire message by kind. */
const rawRead = (server: EsdbTestServer, configure: (options: ReadReq.Options) => void) => {
  const raw = new StreamsClient(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
  const options = new ReadReq.Options()
    .setUuidOption(new ReadReq.Options.UUIDOption().setString(new Empty()))
    .setReadDirection(ReadReq.Options.ReadDirection.FORWARDS);
  configure(options);
  const call = raw.read(new ReadReq().setOptions(options));
  const messages: string[] = [];
  const checkpoints: bigint[] = [];
  let status: grpc.StatusObject | null = null;
  call.on('data', (response: ReadResp) => {
    switch (response.getContentCase()) {
      case ReadResp.ContentCase.CONFIRMATION:
        return messages.push('confirmation');
      case ReadResp.ContentCase.CAUGHT_UP:
        return messages.push('caught-up');
      case ReadResp.ContentCase.CHECKPOINT:
        checkpoints.push(BigInt(response.getCheckpoint()!.getCommitPosition()));
        return messages.push('checkpoint');
      case ReadResp.ContentCase.EVENT: {
        const recorded = response.getEvent()!.getEvent()!;
        return messages.push(`${Buffer.from(recorded.getStreamIdentifier()!.getStreamName_asU8()).toString()}:${recorded.getMetadataMap().get('type')}`);
      }
      default:
        return messages.push(`other:${response.getContentCase()}`);
    }
  });
  call.on('status', (received: grpc.StatusObject) => {
    status = received;
  });
  call.on('error', () => undefined);
  return {
    messages,
    checkpoints,
    get status() {
      return status;
    },
    close() {
      call.cancel();
      raw.close();
    },
  };
};

const allFromStart = (options: ReadReq.Options) => options.setAll(new ReadReq.Options.AllOptions().setStart(new Empty()));

describe.each([
  ['batch-append', 'batchAppend'],
  ['append-only', 'append'],
  ['unimplemented', 'append'],
] as const)('appends when ServerFeatures is %s (the client uses %s)', (features, rpc) => {
  let server: EsdbTestServer;
  let client: EventStoreDBClient;
  beforeAll(async () => {
    ({ server, client } = await start({ features }));
  });

  it(`goes through ${rpc}`, async () => {
    await client.appendToStream(stream(), [event()]);
    expect(server.calls[rpc]).toBeGreaterThan(0);
    expect(server.calls[rpc === 'append' ? 'batchAppend' : 'append']).toBe(0);
  });

  it('checks every kind of expected revision, answering wrong-expected-version with the actual revision', async () => {
    const name = stream();
    const created = await client.appendToStream(name, [event(), event()], { expectedRevision: NO_STREAM });
    expect(created.nextExpectedRevision).toBe(1n);
    let error = await wrongVersion(client.appendToStream(name, [event()], { expectedRevision: NO_STREAM }));
    expect([error.expectedVersion, error.actualVersion]).toEqual(['no_stream', 1n]);
    error = await wrongVersion(client.appendToStream(name, [event()], { expectedRevision: 0n }));
    expect([error.streamName, error.expectedVersion, error.actualVersion]).toEqual([name, 0n, 1n]);
    expect((await client.appendToStream(name, [event()], { expectedRevision: 1n })).nextExpectedRevision).toBe(2n);
    expect((await client.appendToStream(name, [event()], { expectedRevision: STREAM_EXISTS })).nextExpectedRevision).toBe(3n);
    expect((await client.appendToStream(name, [event()], { expectedRevision: ANY })).nextExpectedRevision).toBe(4n);
    const missing = stream();
    error = await wrongVersion(client.appendToStream(missing, [event()], { expectedRevision: STREAM_EXISTS }));
    expect([error.expectedVersion, error.actualVersion]).toEqual(['stream_exists', 'no_stream']);
    error = await wrongVersion(client.appendToStream(missing, [event()], { expectedRevision: 3n }));
    expect(error.actualVersion).toBe('no_stream');
    await expect(readStream(client, missing)).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  it('de-duplicates a retried append: the first answer again, nothing written', async () => {
    const name = stream();
    await client.appendToStream(name, [event()], { expectedRevision: NO_STREAM });
    const batch = [event(), event(), event()];
    const stored = server.events().length;
    for (const expectedRevision of [0n, ANY] as AppendExpectedRevision[]) {
      const first = await client.appendToStream(name, batch, { expectedRevision: 0n });
      const retried = await client.appendToStream(name, batch, { expectedRevision });
      expect(retried).toEqual(first);
    }
    expect(server.events().filter((e) => e.streamName === name)).toHaveLength(4);
    expect(server.events().length - stored).toBeLessThanOrEqual(4); // three events and at most one system event
    const partly = [batch[0], event()];
    const error = await wrongVersion(client.appendToStream(name, partly, { expectedRevision: 0n }));
    expect(error.actualVersion).toBe(3n);
    await wrongVersion(client.appendToStream(name, [batch[2], event()], { expectedRevision: ANY }));
    expect(await readStream(client, name)).toHaveLength(4);
  });

  it('refuses an append over the maximum append size', async () => {
    const { client: small } = await start({ features, maxAppendSize: 1_000 });
    await expect(small.appendToStream(stream(), [event('Big', { text: 'x'.repeat(2_000) })])).rejects.toBeInstanceOf(MaxAppendSizeExceededError);
    await expect(small.appendToStream(stream(), [event('Small')])).resolves.toMatchObject({ success: true });
  });
});

describe('the log', () => {
  let client: EventStoreDBClient;
  beforeAll(async () => {
    ({ client } = await start({ systemEventEvery: 2 }));
  });

  it('holds system events in $all: $-prefixed types in $-prefixed streams, before and between client events', async () => {
    const name = stream();
    for (let i = 0; i < 4; i++) await client.appendToStream(name, [event()]);
    const all = await readAll(client);
    const system = all.filter((resolved) => resolved.event!.type.startsWith('$'));
    expect(system.length).toBeGreaterThanOrEqual(5); // written at start, and one after every two client events
    expect(system.every((resolved) => resolved.event!.streamId.startsWith('$'))).toBe(true);
    expect(all[0].event!.type.startsWith('$')).toBe(true);
    const ours = all.map((resolved, index) => (resolved.event!.streamId === name ? index : -1)).filter((index) => index >= 0);
    expect(ours[ours.length - 1] - ours[0]).toBeGreaterThan(3); // interleaved with $statsCollected
    expect(all.some((resolved) => resolved.event!.type === '$statsCollected')).toBe(true);
  });

  it('gives byte-offset positions: commit = prepare, never 0, gaps that grow with the event', async () => {
    const name = stream();
    const small = await client.appendToStream(name, [event('S', {})]);
    const large = await client.appendToStream(name, [event('L', { text: 'x'.repeat(5_000) })]);
    const after = await client.appendToStream(name, [event('S', {})]);
    const positions = [small, large, after].map((result) => result.position!);
    expect(positions.every((p) => p.commit === p.prepare && p.commit > 0n)).toBe(true);
    expect(positions[1].commit - positions[0].commit).toBeGreaterThan(50n);
    expect(positions[2].commit - positions[1].commit).toBeGreaterThan(5_000n);
    const read = await readStream(client, name);
    expect(read.map((resolved) => resolved.event!.position)).toEqual(positions);
  });

  it('reads $all forwards from an inclusive position and backwards from an exclusive one', async () => {
    const name = stream();
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await client.appendToStream(name, [event(`E${i}`)]));
    const middle = results[1].position!;
    const forwards = (await readAll(client, { fromPosition: middle, maxCount: 1 }))[0];
    expect(forwards.event!.type).toBe('E1');
    const backwards = (await readAll(client, { fromPosition: middle, direction: BACKWARDS }))
      .filter((resolved) => resolved.event!.streamId === name);
    expect(backwards.map((resolved) => resolved.event!.type)).toEqual(['E0']);
    const head = (await readAll(client, { fromPosition: END, direction: BACKWARDS, maxCount: 1 }))[0];
    expect(head.event!.position.commit).toBeGreaterThanOrEqual(results[2].position!.commit);
    expect(await readAll(client, { fromPosition: START, direction: BACKWARDS })).toEqual([]);
    expect(await readAll(client, { fromPosition: END, direction: FORWARDS })).toEqual([]);
  });

  it('refuses a position that is not the start of a record', async () => {
    const { position } = await client.appendToStream(stream(), [event()]);
    const inside: Position = { commit: position!.commit + 1n, prepare: position!.prepare + 1n };
    await expect(readAll(client, { fromPosition: inside })).rejects.toThrow(/Invalid position/);
  });

  it('reads streams both ways from inclusive revisions, and reports positions the way 24.x does', async () => {
    const name = stream();
    await client.appendToStream(name, [event('A'), event('B'), event('C'), event('D')]);
    const types = (read: ResolvedEvent[]) => read.map((resolved) => resolved.event!.type);
    expect(types(await readStream(client, name, { fromRevision: 1n, maxCount: 2 }))).toEqual(['B', 'C']);
    expect(types(await readStream(client, name, { direction: BACKWARDS, fromRevision: 2n }))).toEqual(['C', 'B', 'A']);
    expect(types(await readStream(client, name, { direction: BACKWARDS, fromRevision: END, maxCount: 1 }))).toEqual(['D']);
    expect(types(await readStream(client, name, { direction: BACKWARDS, fromRevision: 99n, maxCount: 2 }))).toEqual(['D', 'C']);
    const read = await readStream(client, name);
    expect(read.every((resolved) => resolved.event!.position!.commit < 2n ** 63n)).toBe(true);
    const { client: older } = await start({ streamReadPositions: 'unknown' });
    await older.appendToStream(name, [event()]);
    const [unknown] = await readStream(older, name);
    expect(unknown.event!.position).toEqual({ commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n });
  });

  it('stores data, metadata, type, id and a created time that the client reads back', async () => {
    const name = stream();
    const sent = jsonEvent({ id: randomUUID(), type: 'ChipShipped', data: { to: 'vault-b' }, metadata: { actor: 'party-1' } });
    const before = Date.now();
    await client.appendToStream(name, [sent]);
    const [{ event: read }] = await readStream(client, name);
    expect(read).toMatchObject({ id: sent.id, type: 'ChipShipped', data: { to: 'vault-b' }, metadata: { actor: 'party-1' }, isJson: true });
    expect(read!.created.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(read!.created.getTime()).toBeLessThanOrEqual(Date.now() + 1);
  });
});

describe('subscriptions', () => {
  let server: EsdbTestServer;
  let client: EventStoreDBClient;
  beforeAll(async () => {
    ({ server, client } = await start({ systemEventEvery: 0 }));
  });

  it('send confirmation, catch-up events, caught_up, then live events', async () => {
    const name = stream();
    await client.appendToStream(name, [event('Old')]);
    const wire = rawRead(server, (options) => options
      .setStream(new ReadReq.Options.StreamOptions().setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from(name))).setStart(new Empty()))
      .setSubscription(new ReadReq.Options.SubscriptionOptions()).setNoFilter(new Empty()));
    await waitFor('caught-up', () => wire.messages.includes('caught-up'));
    await client.appendToStream(name, [event('New')]);
    await waitFor('the live event', () => wire.messages.length >= 4);
    expect(wire.messages).toEqual(['confirmation', `${name}:Old`, 'caught-up', `${name}:New`]);
    wire.close();
  });

  it('filter $all by stream-name prefix, event-type prefix or regex, with a checkpoint per window × multiplier', async () => {
    const [asset, party] = [stream('asset'), stream('party')];
    for (let i = 0; i < 5; i++) {
      await client.appendToStream(asset, [event('AssetShipped')]);
      await client.appendToStream(party, [event('PartyRegistered')]);
    }
    const byStream = rawRead(server, (options) => allFromStart(options).setSubscription(new ReadReq.Options.SubscriptionOptions())
      .setFilter(new ReadReq.Options.FilterOptions()
        .setStreamIdentifier(new ReadReq.Options.FilterOptions.Expression().setPrefixList([party]))
        .setMax(2).setCheckpointintervalmultiplier(2)));
    await waitFor('caught up', () => byStream.messages.includes('caught-up'));
    const events = byStream.messages.filter((message) => message.includes(':'));
    expect(events).toEqual(Array.from({ length: 5 }, () => `${party}:PartyRegistered`));
    const considered = server.events().length;
    expect(byStream.messages.filter((message) => message === 'checkpoint')).toHaveLength(Math.floor(considered / 4) + 1);
    expect(byStream.checkpoints.slice(0, -1).every((position, i, all) => i === 0 || position > all[i - 1])).toBe(true);
    expect(byStream.messages.slice(-2)).toEqual(['checkpoint', 'caught-up']);
    byStream.close();

    const got: string[] = [];
    const checkpoints: Position[] = [];
    const byType = client.subscribeToAll({
      fromPosition: START,
      filter: eventTypeFilter({ regex: '^Asset', checkpointInterval: 1, maxSearchWindow: 3, checkpointReached: (_s, p) => void checkpoints.push(p) }),
    });
    byType.on('data', (resolved: AllStreamResolvedEvent) => got.push(resolved.event!.streamId));
    await waitFor('five asset events', () => got.length >= 5);
    await client.appendToStream(asset, [event('AssetReceived')]);
    await client.appendToStream(party, [event('PartyRenamed')]);
    await waitFor('the live asset event', () => got.length >= 6);
    expect(got.every((name) => name === asset || name.startsWith('asset-'))).toBe(true);
    await waitFor('checkpoints', () => checkpoints.length >= 3);
    await byType.unsubscribe();

    const prefixed: string[] = [];
    const byPrefix = client.subscribeToAll({ fromPosition: START, filter: streamNameFilter({ prefixes: [asset] }) });
    byPrefix.on('data', (resolved: AllStreamResolvedEvent) => prefixed.push(resolved.event!.type));
    await waitFor('six events', () => prefixed.length >= 6);
    await sleep(20);
    expect(prefixed).toEqual([...Array.from({ length: 5 }, () => 'AssetShipped'), 'AssetReceived']);
    await byPrefix.unsubscribe();
  });

  it('start $all subscriptions strictly after the given position', async () => {
    const name = stream();
    const first = await client.appendToStream(name, [event('First')]);
    await client.appendToStream(name, [event('Second')]);
    const got: string[] = [];
    const subscription = client.subscribeToAll({ fromPosition: first.position!, filter: streamNameFilter({ prefixes: [name] }) });
    subscription.on('data', (resolved: AllStreamResolvedEvent) => got.push(resolved.event!.type));
    await waitFor('Second', () => got.length >= 1);
    await sleep(20);
    expect(got).toEqual(['Second']);
    await subscription.unsubscribe();
  });

  it('pause the server when the client stops reading, and lose nothing', async () => {
    const name = stream();
    for (let i = 0; i < 20; i++) await client.appendToStream(name, Array.from({ length: 50 }, () => event('Bulk', { text: 'x'.repeat(200) })));
    const subscription = client.subscribeToAll({ fromPosition: START, filter: streamNameFilter({ prefixes: [name] }) }, { highWaterMark: 4 });
    const waitsBefore = server.backpressureWaits;
    await sleep(100); // nobody reads: the client buffers a little, HTTP/2 flow control stops the server
    expect(server.backpressureWaits).toBeGreaterThan(waitsBefore);
    let count = 0;
    subscription.on('data', () => count++);
    await waitFor('1000 events', () => count >= 1_000);
    await subscription.unsubscribe();
  });
});

describe('kill, restart and stop', () => {
  it('kill() fails calls in flight; restart() serves the same data on the same port to the same client', async () => {
    const { server, client } = await start();
    const port = server.port;
    const name = stream();
    await client.appendToStream(name, [event('Before')]);
    const failures: unknown[] = [];
    const subscription = client.subscribeToAll({ fromPosition: START, filter: streamNameFilter({ prefixes: [name] }) });
    const got: string[] = [];
    subscription.on('data', (resolved: AllStreamResolvedEvent) => got.push(resolved.event!.type));
    subscription.on('error', (error) => failures.push(error));
    await waitFor('the first event', () => got.length === 1);
    await server.kill();
    await waitFor('the subscription to fail', () => failures.length === 1);
    expect((failures[0] as Error).constructor.name).toMatch(/Cancelled|Unavailable/);
    await expect(client.appendToStream(name, [event('WhileDown')])).rejects.toThrow();
    await server.restart();
    expect(server.port).toBe(port);
    const result = await client.appendToStream(name, [event('After')]);
    expect(result.nextExpectedRevision).toBe(1n);
    expect((await readStream(client, name)).map((resolved) => resolved.event!.type)).toEqual(['Before', 'After']);
  });

  it('forgets `any` de-duplication on restart, as the server\'s in-memory cache does, but not an exact revision\'s', async () => {
    const { server, client } = await start({ systemEventEvery: 0 });
    const [loose, strict] = [stream(), stream()];
    const looseBatch = [event()];
    const strictBatch = [event()];
    await client.appendToStream(loose, looseBatch, { expectedRevision: ANY });
    const first = await client.appendToStream(strict, strictBatch, { expectedRevision: NO_STREAM });
    await server.restart();
    await client.appendToStream(loose, looseBatch, { expectedRevision: ANY }).catch(() => client.appendToStream(loose, looseBatch, { expectedRevision: ANY }));
    expect(await readStream(client, loose)).toHaveLength(2);
    const retried = await client.appendToStream(strict, strictBatch, { expectedRevision: NO_STREAM });
    expect(retried).toEqual(first);
    expect(await readStream(client, strict)).toHaveLength(1);
  });

  it('stop() ends open subscriptions with UNAVAILABLE', async () => {
    const server = await startEsdbTestServer();
    const wire = rawRead(server, (options) => allFromStart(options).setSubscription(new ReadReq.Options.SubscriptionOptions()).setNoFilter(new Empty()));
    await waitFor('caught up', () => wire.messages.includes('caught-up'));
    await server.stop();
    await waitFor('the status', () => wire.status !== null);
    expect(wire.status!.code).toBe(grpc.status.UNAVAILABLE);
    wire.close();
  });
});

describe.each([
  ['batch-append', { notReady: UnknownError, timeout: DeadlineExceededError }],
  ['append-only', { notReady: UnavailableError, timeout: TimeoutError }],
] as const)('injected faults, as client 6.2.1 sees them from a 24.10 server (%s)', (features, expected) => {
  let server: EsdbTestServer;
  let client: EventStoreDBClient;
  beforeAll(async () => {
    ({ server, client } = await start({ features, writeTimeoutMs: 50, replicationDelayMs: 200 }));
  });
  afterEach(() => server.faults.clear());

  it('NotReady and Busy: the error the client makes of them, and nothing written', async () => {
    const name = stream();
    server.faults.failAppends('not-ready', { stream: name });
    server.faults.failAppends('busy', { stream: name });
    const notReady = await client.appendToStream(name, [event()]).catch((error: unknown) => error);
    const busy = await client.appendToStream(name, [event()]).catch((error: unknown) => error);
    expect(notReady).toBeInstanceOf(expected.notReady);
    expect(busy).toBeInstanceOf(expected.notReady);
    // Over BatchAppend the client cannot recognise the status: an UnknownError without a gRPC code.
    if (features === 'batch-append') expect([(notReady as UnknownError).code, (notReady as Error).message]).toEqual([undefined, 'Could not recognize Server Is Not Ready']);
    await expect(readStream(client, name)).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  it('commit-then-timeout: the write is in the log, the answer a timeout; a retry is dropped until replicated, then deduplicated', async () => {
    const name = stream();
    server.faults.failAppends('commit-then-timeout', { stream: name });
    const written = event();
    await expect(client.appendToStream(name, [written], { expectedRevision: NO_STREAM })).rejects.toBeInstanceOf(expected.timeout);
    expect((await readStream(client, name)).map((resolved) => resolved.event!.id)).toEqual([written.id]);
    await expect(client.appendToStream(name, [written], { expectedRevision: NO_STREAM })).rejects.toBeInstanceOf(expected.timeout);
    await sleep(200);
    const retried = await client.appendToStream(name, [written], { expectedRevision: NO_STREAM });
    expect(retried.nextExpectedRevision).toBe(0n);
    expect(await readStream(client, name)).toHaveLength(1);
  });

  it('a follower answers NotLeader (with the leader) to requests that require the leader', async () => {
    const follower = await server.startFollower();
    const direct = new StreamsClient(`127.0.0.1:${follower.port}`, grpc.credentials.createInsecure());
    const metadata = new grpc.Metadata();
    metadata.set('requires-leader', 'true');
    const options = new ReadReq.Options()
      .setUuidOption(new ReadReq.Options.UUIDOption().setString(new Empty()))
      .setReadDirection(ReadReq.Options.ReadDirection.FORWARDS)
      .setStream(new ReadReq.Options.StreamOptions().setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from(stream()))).setStart(new Empty()))
      .setCount('1');
    const status = await new Promise<grpc.StatusObject>((resolve) => {
      const call = direct.read(new ReadReq().setOptions(options), metadata);
      call.on('data', () => undefined);
      call.on('error', () => undefined);
      call.on('status', resolve);
    });
    direct.close();
    expect([status.code, status.metadata.get('exception'), status.metadata.get('leader-endpoint-port')])
      .toEqual([grpc.status.NOT_FOUND, ['not-leader'], [`${server.port}`]]);
  });
});
