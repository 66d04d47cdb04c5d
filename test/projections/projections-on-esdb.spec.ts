import type { EventStore, GlobalPosition, RecordedEvent } from '@chip-ledger/event-store';
import { StoreUnavailable, comparePositions, encodePosition, openEsdbEventStore } from '@chip-ledger/event-store';
import type { ProjectionRunner, ReadModelDb } from '@chip-ledger/projections';
import { LEDGER_STREAM_FILTER, LedgerQueries } from '@chip-ledger/projections';
import { runCustodyScenario } from '../../libs/projections/src/testing/custody-scenario';
import { runFleetScenario } from '../../libs/projections/src/testing/fleet-scenario';
import type { Written } from '../../libs/projections/src/testing/ledger-script';
import { LedgerScript } from '../../libs/projections/src/testing/ledger-script';
import { TempLedger, dumpReadModels } from '../../libs/projections/src/testing/read-side-fixture';
import type { EsdbTestServer } from '../esdb/esdb-test-server';
import { startEsdbTestServer } from '../esdb/esdb-test-server';

/**
 * The projection runner and the read models on the EventStoreDB adapter, over real gRPC to the in-process test
 * server (a fresh one per test, writing a `$statsCollected` system event after every other client event, so the
 * ledger's events sit among system events at positions that are byte offsets). The scenarios are the fixtures of
 * libs/projections, the same histories the embedded-store specs project.
 */

const FLEET = { racks: 8, serversPerRack: 2, chipsPerBoard: 3 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const ledgerEvents = async (store: EventStore): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll({ filter: LEDGER_STREAM_FILTER })) events.push(event);
  return events;
};

const statusText = (runner: ProjectionRunner) => JSON.stringify(runner.status(), (_k, v: unknown) => (typeof v === 'bigint' ? `${v}` : v));

const reach = async (runner: ProjectionRunner, written: Written, timeoutMs = 10_000) => {
  if (!(await runner.waitForPosition(written.position as GlobalPosition, timeoutMs))) {
    throw new Error(`not reached ${written.position?.commit}: ${statusText(runner)}`);
  }
};

const waitFor = async (what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(5);
  }
};

/** After a restart the client's first call may still find the old connection gone: ask until it answers. */
const untilReachable = async (store: EventStore): Promise<void> => {
  for (let attempt = 0; ; attempt++) {
    try {
      return await store.ping();
    } catch (error) {
      if (attempt >= 50) throw error;
      await sleep(20);
    }
  }
};

/**
 * The read models with every global position replaced by the rank of its event among the ledger's events, so
 * models built from two stores (whose positions differ) compare row for row.
 */
const dumpByRank = (db: ReadModelDb, events: readonly RecordedEvent[]): Record<string, string[]> => {
  const ranks = new Map<string, number>();
  events.forEach((event, rank) => {
    ranks.set(`${event.position.commit}/${event.position.prepare}`, rank);
    ranks.set(encodePosition(event.position), rank);
  });
  const rank = (key: string) => {
    const found = ranks.get(key);
    if (found === undefined) throw new Error(`a read-model position that is no ledger event's: ${key}`);
    return found;
  };
  const dump: Record<string, string[]> = {};
  for (const [table, rows] of Object.entries(dumpReadModels(db))) {
    dump[table] = rows.map((json) => {
      const { last_position, commit_position, prepare_position, ...rest } = JSON.parse(json) as Record<string, unknown>;
      // Positions as (commit, prepare) column pairs: pos_* (an event's), applied_* (a claim's commit), from_*/to_* (containment).
      for (const pair of ['pos', 'applied', 'from', 'to']) {
        const commit = rest[`${pair}_commit`];
        if (commit === undefined) continue;
        rest[pair] = commit === null ? null : rank(`${String(commit)}/${String(rest[`${pair}_prepare`])}`);
        delete rest[`${pair}_commit`];
        delete rest[`${pair}_prepare`];
      }
      if (last_position !== undefined) rest.last_position = rank(String(last_position));
      if (commit_position !== undefined) rest.checkpoint = rank(`${String(commit_position)}/${String(prepare_position)}`);
      return JSON.stringify(rest);
    }).sort();
  }
  return dump;
};

let server: EsdbTestServer;
let ledger: TempLedger;

beforeEach(async () => {
  server = await startEsdbTestServer({ systemEventEvery: 2 });
  ledger = new TempLedger(() => openEsdbEventStore({ connectionString: server.connectionString }));
});

afterEach(async () => {
  // Runners stopped and the client disposed before the server goes.
  await ledger.cleanUp();
  await server.stop();
});

describe('projections on the EventStoreDB adapter', () => {
  it('rebuilds from position 0 to exactly the incrementally built read models, across stops and restarts mid-stream', async () => {
    let db = ledger.readModels('incremental.sqlite');
    let runner = ledger.runner(db, { batchSize: 7, maxCachedAssets: 0 });
    runner.start();
    const script = new LedgerScript(ledger.store);
    await runCustodyScenario(script);
    const last = await runFleetScenario(script, FLEET, async (written, index) => {
      if (index === 30 || index === 130) await runner.stop();
      if (index === 60) runner.start();
      if (index === 100) await reach(runner, written);
      if (index === 160) {
        db.close();
        db = ledger.readModels('incremental.sqlite');
        runner = ledger.runner(db, { batchSize: 5 });
        runner.start();
      }
    });
    await reach(runner, last);
    const incremental = dumpReadModels(db);
    const events = await ledgerEvents(ledger.store);

    // The ledger's events really are interleaved with system events, at positions that are not dense.
    const log = server.events();
    const ledgerInLog = log.filter((event) => /^(asset|party|facility)-/.test(event.streamName));
    expect(ledgerInLog.map((event) => event.id)).toEqual(events.map((event) => event.id));
    const between = log.filter((event) => event.position > ledgerInLog[0].position && event.position < ledgerInLog.at(-1)!.position);
    expect(between.filter((event) => event.type.startsWith('$')).length).toBeGreaterThan(events.length / 3);
    expect(events[1].position.commit - events[0].position.commit).toBeGreaterThan(1n);

    const fresh = ledger.readModels('rebuilt.sqlite');
    const rebuilder = ledger.runner(fresh);
    await rebuilder.rebuild();
    expect(rebuilder.status()).toEqual({ checkpoint: last.position, running: false, lastError: null, appliedEvents: events.length, catchingUp: false });
    const rebuilt = dumpReadModels(fresh);
    expect(rebuilt.containment.length).toBeGreaterThan(0);
    expect(rebuilt.assets.length).toBe(14 + FLEET.racks * (1 + FLEET.serversPerRack * (2 + FLEET.chipsPerBoard)));
    expect(rebuilt).toEqual(incremental);

    // Rebuilt in place while running: same models, and it keeps following afterwards.
    await runner.rebuild();
    expect(dumpReadModels(db)).toEqual(incremental);
    expect(runner.status()).toMatchObject({ running: true, appliedEvents: events.length });
    const more = await script.as('cloud-de', 'UninstallAsset', { assetId: 'fleet-rack-1' });
    await reach(runner, more);
    expect(new LedgerQueries(db).getAsset('fleet-rack-1-srv-0-brd-gpu-0')).toMatchObject({ status: 'at-facility', facilityId: 'fleet-dc-de' });
  }, 120_000); // seven stop/start cycles over gRPC: well under this alone, but CI may share the machine

  it('builds, from the same history, the read models the embedded store builds, row for row', async () => {
    const embedded = new TempLedger();
    try {
      const build = async (on: TempLedger) => {
        const script = new LedgerScript(on.store);
        await runCustodyScenario(script);
        await runFleetScenario(script, { racks: 6, serversPerRack: 2, chipsPerBoard: 2 });
        const db = on.readModels();
        await on.runner(db, { batchSize: 16 }).rebuild();
        return dumpByRank(db, await ledgerEvents(on.store));
      };
      const fromEventStoreDb = await build(ledger);
      const fromEmbedded = await build(embedded);
      expect(fromEventStoreDb.assets.length).toBe(14 + 6 * (1 + 2 * (2 + 2)));
      expect(fromEventStoreDb).toEqual(fromEmbedded);
    } finally {
      await embedded.cleanUp();
    }
  });

  it('resumes from its checkpoint after the server is killed mid catch-up and stopped while following live, applying every event once', async () => {
    const script = new LedgerScript(ledger.store);
    await runCustodyScenario(script);
    await runFleetScenario(script, { racks: 4, serversPerRack: 2, chipsPerBoard: 3 });
    const history = (await ledgerEvents(ledger.store)).length;

    // A slow consumer (2 ms a batch of at most 4), so the kill lands mid catch-up.
    const slow = Object.create(ledger.store) as EventStore;
    slow.subscribeToAll = (options, handler) => ledger.store.subscribeToAll(options, async (batch) => {
      await sleep(2);
      await handler(batch);
    });
    const errors: unknown[] = [];
    const db = ledger.readModels();
    const runner = ledger.runner(db, { batchSize: 4, retry: { initialDelayMs: 5, maxDelayMs: 40 }, onError: (e) => errors.push(e) }, slow);
    runner.start();
    await waitFor('a third of the history', () => runner.status().appliedEvents >= history / 3);

    await server.kill();
    await waitFor('the runner to notice', () => errors.length > 0);
    const atKill = runner.status();
    expect(atKill.appliedEvents).toBeLessThan(history);
    expect(atKill).toMatchObject({ running: true, lastError: expect.stringMatching(/^StoreUnavailable/) });
    await sleep(100); // resubscriptions keep failing meanwhile, and nothing moves
    expect(runner.status().checkpoint).toEqual(atKill.checkpoint);
    expect(errors.length).toBeGreaterThan(1);

    await server.restart();
    await untilReachable(ledger.store);
    const afterRestart = await script.as('cloud-de', 'UninstallAsset', { assetId: 'fleet-rack-1' });
    await reach(runner, afterRestart);
    expect(runner.status().lastError).toBeNull();

    // Now following live: a graceful stop ends the subscription; writes resume after the restart.
    const errorsBefore = errors.length;
    await server.stop();
    await waitFor('the runner to notice the stop', () => errors.length > errorsBefore);
    await server.restart();
    await untilReachable(ledger.store);
    const live = await script.as('cloud-de', 'DecommissionAsset', { assetId: 'fleet-rack-1', reason: 'end of life' });
    await reach(runner, live);

    const events = await ledgerEvents(ledger.store);
    expect(events.length).toBe(history + 2);
    // Exactly once: every event applied, none twice (the count would exceed it), none skipped (the rebuild would differ).
    expect(runner.status()).toEqual({ checkpoint: live.position, running: true, lastError: null, appliedEvents: events.length, catchingUp: false });
    expect(errors.every((error) => error instanceof StoreUnavailable)).toBe(true);
    const rebuilt = ledger.readModels('rebuilt.sqlite');
    await ledger.runner(rebuilt).rebuild();
    expect(dumpReadModels(db)).toEqual(dumpReadModels(rebuilt));
    expect(comparePositions(runner.status().checkpoint!, events.at(-1)!.position)).toBe(0);
  });
});
