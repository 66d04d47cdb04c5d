import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type request from 'supertest';
import { encodePosition, openEsdbEventStore } from '@chip-ledger/event-store';
import type { EventStore, RecordedEvent } from '@chip-ledger/event-store';
import { LEDGER_STREAM_FILTER, ProjectionRunner, LiveReadModels, openReadModelDb } from '@chip-ledger/projections';
import { dumpReadModels } from '../../libs/projections/src/testing/read-side-fixture';
import type { StoredEvent } from '../esdb/esdb-log';
import type { EsdbTestServer } from '../esdb/esdb-test-server';
import { startEsdbTestServer } from '../esdb/esdb-test-server';
import type { TestLedger } from '../support/ledger-test-app';
import { startTestLedger } from '../support/ledger-test-app';

/**
 * The API on EventStoreDB (the adapter over real gRPC to the in-process test server) while that server crashes and
 * comes back: commands answer 201 or 503 problem+json and nothing acknowledged is lost, retries with the same
 * Idempotency-Key converge without duplicates, the projections resume and end as a rebuild from 0 would, and
 * /health says what is going on.
 */

type Response = Awaited<request.Test>;
type Command = { readonly key: string; readonly path: string; readonly body: object; readonly as: string };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const waitFor = async <T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(10);
  }
};

const ledgerEvents = async (store: EventStore): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll({ filter: LEDGER_STREAM_FILTER })) events.push(event);
  return events;
};

/** A 503 as the API must answer while the store is down. */
const expectStoreUnavailable = (response: Response): void => {
  expect({ status: response.status, code: response.body.code, type: response.headers['content-type'] }).toEqual({
    status: 503, code: 'store-unavailable', type: expect.stringMatching(/^application\/problem\+json/),
  });
  expect(response.headers['retry-after']).toBe('1');
};

/**
 * Kills the server the moment it has stored the first event that `crashOn` picks, inside the append: the event is
 * durable, its answer never leaves. `server.events()` is the log itself (checked), so its `push` is where a write
 * lands. `logAtCrash()` gives the log as it was at the crash (null: not crashed).
 */
const crashWhenWriting = (
  server: EsdbTestServer, crashOn: (event: StoredEvent, log: readonly StoredEvent[]) => boolean,
): { logAtCrash(): StoredEvent[] | null } => {
  const log = server.events() as StoredEvent[];
  if (server.events() !== log) throw new Error('server.events() is no longer the live log: this crash trigger needs another hook');
  let atCrash: StoredEvent[] | null = null;
  log.push = (...events: StoredEvent[]): number => {
    const length = Array.prototype.push.apply(log, events);
    if (events.some((event) => crashOn(event, log))) {
      Reflect.deleteProperty(log, 'push');
      atCrash = [...log];
      void server.kill();
    }
    return length;
  };
  return { logAtCrash: () => atCrash };
};

type Health = {
  status: string;
  store: { kind: string; location: string; reachable: boolean };
  projections: { running: boolean; checkpoint: string | null; head: string | null; caughtUp: boolean | null; appliedEvents: number; lastError: string | null };
};

describe('the API on EventStoreDB when the server crashes', () => {
  let server: EsdbTestServer;
  let ledger: TestLedger;
  /** A second client: what the test reads the log with, independent of the API's. */
  let observer: EventStore;
  let keys: Record<string, string>;
  const dirs: string[] = [];
  /** What setUp opened, closed in reverse: clients before the server. */
  const teardown: (() => Promise<unknown>)[] = [];

  const health = async (): Promise<{ status: number; body: Health }> => {
    const response = await ledger.http().get('/health');
    return { status: response.status, body: response.body as Health };
  };
  const send = (command: Command): request.Test =>
    ledger.post(command.path, keys[command.as], command.body, { 'Idempotency-Key': command.key });

  /** Up again, as far as the API is concerned: /health answers 200 with the store reachable. */
  const untilReachable = () => waitFor('the store to be reachable again', async () => {
    const { status, body } = await health();
    return status === 200 && body.store.reachable ? body : undefined;
  });

  /** The projections have applied the last ledger event in the log. */
  const untilCaughtUp = () => waitFor('the projections to catch up', async () => {
    const { status, body } = await health();
    return status === 200 && body.projections.caughtUp && body.projections.head !== null && !body.projections.lastError ? body : undefined;
  });

  /** The API's read models, row for row, against a rebuild from position 0 into a fresh file. */
  const expectSameAsRebuild = async (): Promise<void> => {
    const dir = mkdtempSync(join(tmpdir(), 'chip-ledger-rebuild-'));
    dirs.push(dir);
    const fresh = openReadModelDb(join(dir, 'rebuilt.sqlite'));
    try {
      await new ProjectionRunner(observer, fresh).rebuild();
      expect(dumpReadModels(ledger.app.get(LiveReadModels).db)).toEqual(dumpReadModels(fresh));
    } finally {
      fresh.close();
    }
  };

  /** The server (answering appends with BatchAppend, or Append only as servers before 21.10), the API on it, parties. */
  const setUp = async (features: 'batch-append' | 'append-only' = 'batch-append') => {
    const started = await startEsdbTestServer({ systemEventEvery: 2, features });
    server = started;
    teardown.push(() => started.stop());
    const api = await startTestLedger({ eventStoreConnectionString: server.connectionString, readWaitMs: 2000 });
    ledger = api;
    teardown.push(() => api.close());
    const client = openEsdbEventStore({ connectionString: server.connectionString });
    observer = client;
    teardown.push(() => client.close());
    keys = { admin: ledger.adminKey };
    keys.maker = await ledger.registerParty('maker', ['manufacturer'], 'TW');
    await ledger.registerParty('carrier', ['carrier'], 'NL');
    keys.operator = await ledger.registerParty('operator', ['operator'], 'DE');
    await ledger.registerFacility('fab', 'maker', 'TW', 'assembly');
    await ledger.registerFacility('dc', 'operator', 'DE', 'datacenter');
  };

  afterEach(async () => {
    for (const close of teardown.splice(0).reverse()) await close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('reports on /health which store it uses, that it is unreachable while down (503) and reachable after, and how far the projections lag', async () => {
    await setUp();
    const up = await untilCaughtUp();
    expect(up).toMatchObject({ status: 'ok', store: { kind: 'eventstoredb', location: server.connectionString, reachable: true } });
    expect(up.projections).toMatchObject({ running: true, caughtUp: true, lastError: null });
    expect(up.projections.checkpoint).toBe(up.projections.head);
    const total = (await ledgerEvents(observer)).length;
    expect(up.projections.appliedEvents).toBe(total);
    expect(up.projections.head).toBe(encodePosition((await ledgerEvents(observer)).at(-1)!.position));

    // Behind: the runner stopped, a write lands; head moves, the checkpoint does not.
    const runner = ledger.app.get(ProjectionRunner);
    await runner.stop();
    const written = await ledger.post('/assets', keys.maker, { assetId: 'gpu-lag', kind: 'chip', model: 'nvidia-h100-sxm', facilityId: 'fab' }).expect(201);
    const behind = (await health()).body;
    expect(behind).toMatchObject({ status: 'degraded', store: { reachable: true } });
    expect(behind.projections).toMatchObject({ running: false, caughtUp: false, checkpoint: up.projections.checkpoint, head: written.body.position });
    runner.start();
    expect((await untilCaughtUp()).projections).toMatchObject({ checkpoint: written.body.position, appliedEvents: total + 1 });

    await server.kill();
    const down = await health();
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 'degraded', store: { kind: 'eventstoredb', reachable: false }, projections: { caughtUp: null } });
    // The projections notice their subscription is gone.
    await waitFor('the projections to report the lost subscription', async () => ((await health()).body.projections.lastError ? true : undefined));

    await server.restart();
    const back = await untilReachable();
    expect(back.store).toMatchObject({ kind: 'eventstoredb', reachable: true });
    const caughtUp = await untilCaughtUp();
    expect(caughtUp).toMatchObject({ status: 'ok', projections: { running: true, caughtUp: true, appliedEvents: total + 1 } });
    // And it follows the log again: a new write reaches the read models.
    const after = await ledger.post('/assets', keys.maker, { assetId: 'gpu-after', kind: 'chip', model: 'nvidia-h100-sxm', facilityId: 'fab' }).expect(201);
    await ledger.get(`/assets/gpu-after?position=${after.body.position}`, keys.maker).expect(200);
  });

  it('resumes the projections after crashes while they follow a stream of writes, ending identical to a rebuild from 0', async () => {
    await setUp();
    // Twelve units, each a chain of commands (board and two chips made, packed, shipped, received, installed), four
    // chains at a time. Every command is retried with its Idempotency-Key until it is acknowledged.
    const chain = (u: number): Command[] => {
      const board = `board-${u}`;
      const chips = [`chip-${u}-0`, `chip-${u}-1`];
      const key = (step: string) => `follow-${u}-${step}`;
      return [
        { key: key('board'), as: 'maker', path: '/assets', body: { assetId: board, kind: 'board', model: 'baseboard', facilityId: 'fab' } },
        ...chips.map((assetId) => ({ key: key(assetId), as: 'maker', path: '/assets', body: { assetId, kind: 'chip', model: 'nvidia-b200', facilityId: 'fab' } })),
        { key: key('pack'), as: 'maker', path: `/assets/${board}/packing`, body: { childIds: chips } },
        { key: key('ship'), as: 'maker', path: `/assets/${board}/shipments`, body: { toFacilityId: 'dc', carrierId: 'carrier' } },
        { key: key('receive'), as: 'operator', path: `/assets/${board}/receipts`, body: { facilityId: 'dc' } },
        { key: key('install'), as: 'operator', path: `/assets/${board}/installations`, body: { cluster: 'c1' } },
      ];
    };
    const UNITS = 12;
    let acknowledged = 0;
    let refused = 0;
    const unexpected: string[] = [];
    const runChain = async (commands: Command[]) => {
      for (const command of commands) {
        for (;;) {
          const response = await send(command);
          if (response.status === 201) break;
          if (response.status !== 503 || response.body.code !== 'store-unavailable') {
            unexpected.push(`${command.key}: ${response.status} ${JSON.stringify(response.body)}`);
            return;
          }
          refused++;
          await sleep(25);
        }
        acknowledged++;
      }
    };
    const writers = (async () => {
      for (let u = 0; u < UNITS; u += 4) await Promise.all([u, u + 1, u + 2, u + 3].map((i) => runChain(chain(i))));
    })();
    const total = UNITS * 7;

    // A crash a third of the way in, a graceful stop two thirds in: each time the API's subscription is live.
    await waitFor('a third of the writes', () => (acknowledged >= total / 3 ? true : undefined));
    await server.kill();
    await waitFor('the projections to lose their subscription', async () => ((await health()).body.projections.lastError ? true : undefined));
    await sleep(150);
    await server.restart();
    await waitFor('two thirds of the writes', () => (acknowledged >= (2 * total) / 3 ? true : undefined));
    await server.stop();
    await sleep(150);
    await server.restart();
    await writers;

    expect(unexpected).toEqual([]);
    expect(acknowledged).toBe(total);
    expect(refused).toBeGreaterThan(0); // the crashes did hit commands
    const caughtUp = await untilCaughtUp();
    const events = await ledgerEvents(observer);
    expect(caughtUp.projections.head).toBe(encodePosition(events.at(-1)!.position));
    // Every event applied once (duplicates would count twice; a gap would make the rebuild differ).
    expect(caughtUp.projections.appliedEvents).toBe(events.length);
    await expectSameAsRebuild();
    const chip = await ledger.get('/assets/chip-11-1', keys.operator).expect(200);
    expect(chip.body).toMatchObject({ status: 'installed', facilityId: 'dc', parentId: 'board-11', custodianId: 'operator' });
  });

  it.each(['batch-append', 'append-only'] as const)('answers commands in flight when the server dies with 201 or 503 problem+json, loses nothing acknowledged, and converges on retry (%s)', async (features) => {
    await setUp(features);
    // Before: boards and chips to pack, chips to ship.
    for (let b = 0; b < 10; b++) {
      await ledger.post('/assets', keys.maker, { assetId: `brd-${b}`, kind: 'board', model: 'baseboard', facilityId: 'fab' }).expect(201);
      for (const c of [0, 1]) await ledger.post('/assets', keys.maker, { assetId: `brd-${b}-chip-${c}`, kind: 'chip', model: 'amd-mi300x', facilityId: 'fab' }).expect(201);
      await ledger.post('/assets', keys.maker, { assetId: `ship-${b}`, kind: 'chip', model: 'nvidia-h100-sxm', facilityId: 'fab' }).expect(201);
    }
    // In flight: single-stream writes (manufacture, ship) and multi-stream ones (packing writes each chip, then the board).
    const commands: Command[] = [];
    for (let i = 0; i < 10; i++) {
      commands.push({ key: `make-${i}`, as: 'maker', path: '/assets', body: { assetId: `new-${i}`, kind: 'chip', model: 'nvidia-h100-sxm', facilityId: 'fab' } });
      commands.push({ key: `pack-${i}`, as: 'maker', path: `/assets/brd-${i}/packing`, body: { childIds: [`brd-${i}-chip-0`, `brd-${i}-chip-1`] } });
      commands.push({ key: `ship-${i}`, as: 'maker', path: `/assets/ship-${i}/shipments`, body: { toFacilityId: 'dc', carrierId: 'carrier' } });
    }
    // The crash: the moment a packing has written its first chip, once a few other commands' events are in; the
    // packing's board is not written, its answer is lost, and the rest are on their way.
    const logBefore = server.events().length;
    const isLedger = (event: StoredEvent) => !event.type.startsWith('$');
    const crash = crashWhenWriting(server, (event, log) =>
      /^asset-brd-\d+-chip-/.test(event.streamName) && log.slice(logBefore).filter(isLedger).length >= 8);
    const answers = await Promise.all(commands.map((command) => send(command)));
    const atCrash = crash.logAtCrash();
    if (!atCrash) throw new Error('the commands were all answered before the crash trigger fired');

    const acknowledged = answers.flatMap((response, i) => (response.status === 201 ? [{ command: commands[i], response }] : []));
    const failed = answers.flatMap((response, i) => (response.status === 201 ? [] : [{ command: commands[i], response }]));
    for (const { response } of failed) expectStoreUnavailable(response);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(failed.length).toBeGreaterThan(0);
    // At least one refused command was in fact written (in part): the retries below must finish it, not repeat it.
    const packedChips = new Set(atCrash.slice(logBefore).filter((event) => event.type === 'AssetPackedInto').map((event) => event.streamName));
    const packedInPart = failed.filter(({ command }) =>
      command.key.startsWith('pack') && (command.body as { childIds: string[] }).childIds.some((chip) => packedChips.has(`asset-${chip}`)));
    expect(packedInPart.length).toBeGreaterThan(0);

    // While down: a new command is refused the same way, and reads of the log fail.
    expectStoreUnavailable(await ledger.post('/assets', keys.maker, { assetId: 'while-down', kind: 'chip', model: 'nvidia-h100-sxm', facilityId: 'fab' }));
    expect((await health()).status).toBe(503);

    await server.restart();
    await untilReachable();

    // Nothing acknowledged is lost: each 201's events are in the log at the position it answered.
    const streamsOf = (command: Command): string[] =>
      command.key.startsWith('pack')
        ? [...(command.body as { childIds: string[] }).childIds.map((id) => `asset-${id}`), `asset-${command.path.split('/')[2]}`]
        : [`asset-${(command.body as { assetId?: string }).assetId ?? command.path.split('/')[2]}`];
    const eventsOf = async (commandId: string, streams: string[]) =>
      (await Promise.all(streams.map((stream) => observer.readStream(stream)))).map((events) => events.filter((e) => e.metadata.commandId === commandId));
    for (const { command, response } of acknowledged) {
      const perStream = await eventsOf(response.body.commandId as string, streamsOf(command));
      expect({ key: command.key, counts: perStream.map((events) => events.length) }).toEqual({ key: command.key, counts: perStream.map(() => 1) });
      expect(encodePosition(perStream.at(-1)![0].position)).toBe(response.body.position);
    }

    // Retrying every command with its key: the acknowledged ones are replayed as they were answered, the failed ones
    // complete (or are found done), and each command's events are in each stream exactly once.
    const retried = await Promise.all(commands.map((command) => send(command)));
    retried.forEach((response, i) => expect({ key: commands[i].key, status: response.status }).toEqual({ key: commands[i].key, status: 201 }));
    for (const { command, response } of acknowledged) {
      const again = retried[commands.indexOf(command)];
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(response.body);
    }
    for (const [i, command] of commands.entries()) {
      const perStream = await eventsOf(retried[i].body.commandId as string, streamsOf(command));
      expect({ key: command.key, counts: perStream.map((events) => events.length) }).toEqual({ key: command.key, counts: perStream.map(() => 1) });
    }
    for (let i = 0; i < 10; i++) {
      const board = await observer.readStream(`asset-brd-${i}`);
      expect(board.filter((event) => event.type === 'AssetsPacked').flatMap((event) => event.data.childIds as string[]).sort())
        .toEqual([`brd-${i}-chip-0`, `brd-${i}-chip-1`]);
    }

    // And the read side ends where a rebuild from 0 would.
    const caughtUp = await untilCaughtUp();
    expect(caughtUp.projections.appliedEvents).toBe((await ledgerEvents(observer)).length);
    await expectSameAsRebuild();
    const packed = await ledger.get(`/assets/brd-9-chip-1?position=${retried[commands.findIndex((c) => c.key === 'pack-9')].body.position}`, keys.maker).expect(200);
    expect(packed.body).toMatchObject({ parentId: 'brd-9', rootId: 'brd-9' });
  });
});
