import type {
  AppendResult, BatchHandler, EventStore, EventToAppend, ExpectedRevision, GlobalPosition, ReadAllOptions,
  ReadStreamOptions, RecordedEvent, StoreSubscription, StreamWrite, SubscribeToAllOptions,
} from '@chip-ledger/event-store';
import Database from 'better-sqlite3';
import { comparePositions, positionOf } from '@chip-ledger/event-store';
import { LedgerQueries } from './ledger-queries';
import type { ProjectionRunner } from './projection-runner';
import { LEDGER_STREAM_FILTER } from './ledger-log';
import type { ReadModelDb } from './read-model-db';
import { ReadModelProjector } from './read-model-projector';
import { READ_MODELS } from './read-models/read-models';
import { runCustodyScenario } from './testing/custody-scenario';
import { runFleetScenario } from './testing/fleet-scenario';
import { LedgerScript, day } from './testing/ledger-script';
import type { Written } from './testing/ledger-script';
import { TempLedger, dumpReadModels } from './testing/read-side-fixture';

const FLEET = { racks: 8, serversPerRack: 2, chipsPerBoard: 3 };

const ledgerEvents = async (store: EventStore): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll({ filter: LEDGER_STREAM_FILTER })) events.push(event);
  return events;
};

const indexes = (db: ReadModelDb): string[] =>
  db.connection.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name").pluck().all();

const reach = async (runner: ProjectionRunner, written: Written) => {
  const reached = await runner.waitForPosition(written.position as GlobalPosition, 10_000);
  if (!reached) throw new Error(`not reached ${written.position?.commit}: ${JSON.stringify(runner.status(), (_k, v) => (typeof v === 'bigint' ? `${v}` : v))}`);
};

/**
 * The real store, made unreliable: each subscription is dropped after a couple of batches (alternately before and
 * after handing the batch over), every batch is delivered twice, and every other subscription starts from the very
 * beginning whatever position was asked for. The runner must end with every event applied exactly once.
 */
class UnreliableStore implements EventStore {
  readonly info;
  subscriptions = 0;
  drops = 0;

  constructor(private readonly inner: EventStore, private readonly maxDrops: number) {
    this.info = inner.info;
  }

  appendToStream(streamName: string, events: readonly EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    return this.inner.appendToStream(streamName, events, expectedRevision);
  }
  appendToStreams(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    return this.inner.appendToStreams(writes);
  }
  readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamName, options);
  }
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    return this.inner.readAll(options);
  }
  headPosition(): Promise<GlobalPosition | null> {
    return this.inner.headPosition();
  }
  ping(): Promise<void> {
    return this.inner.ping();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }

  subscribeToAll(options: SubscribeToAllOptions, handler: BatchHandler): StoreSubscription {
    const n = ++this.subscriptions;
    let batches = 0;
    return this.inner.subscribeToAll({ ...options, from: n % 2 === 0 ? 'start' : options.from }, async (batch) => {
      batches++;
      const drop = n <= this.maxDrops && batches === 2;
      if (drop && n % 2 === 1) {
        this.drops++;
        throw new Error('connection reset before delivery');
      }
      await handler(batch);
      await handler(batch);
      if (drop) {
        this.drops++;
        throw new Error('connection reset after delivery');
      }
    });
  }
}

describe('projection runner', () => {
  let ledger: TempLedger;

  beforeEach(() => {
    ledger = new TempLedger();
  });

  afterEach(() => ledger.cleanUp());

  it('rebuilds from position 0 to exactly the incrementally built read models, across stops and restarts mid-stream', async () => {
    // Incremental: small batches and no cache kept between batches (states are reloaded from the file), stopped and restarted,
    // and at one point replaced by a new runner on a reopened file.
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
    const total = (await ledgerEvents(ledger.store)).length;

    // Rebuilt offline (never started), into a new file.
    const fresh = ledger.readModels('rebuilt.sqlite');
    const rebuilder = ledger.runner(fresh);
    await rebuilder.rebuild();
    expect(rebuilder.status()).toEqual({ checkpoint: last.position, running: false, lastError: null, appliedEvents: total, catchingUp: false });
    const rebuilt = dumpReadModels(fresh);
    expect(rebuilt.containment.length).toBeGreaterThan(0);
    expect(rebuilt.assets.length).toBe(14 + FLEET.racks * (1 + FLEET.serversPerRack * (2 + FLEET.chipsPerBoard)));
    expect(rebuilt).toEqual(incremental);
    // The dumps hold every registered read model's tables, and the histories give each something to compare.
    const emptyTables = READ_MODELS.flatMap((model) => model.tables).filter((table) => !rebuilt[table]?.length);
    expect(emptyTables).toEqual([]);

    // Rebuilt in place while running: same models, and it keeps following afterwards.
    await runner.rebuild();
    expect(dumpReadModels(db)).toEqual(incremental);
    expect(runner.status()).toMatchObject({ running: true, appliedEvents: total });
    const more = await script.as('cloud-de', 'UninstallAsset', { assetId: 'fleet-rack-1' });
    await reach(runner, more);
    expect(new LedgerQueries(db).getAsset('fleet-rack-1-srv-0-brd-gpu-0')).toMatchObject({ status: 'at-facility', facilityId: 'fleet-dc-de' });
  });

  it('shares a rebuild between concurrent callers and defers a start asked for meanwhile', async () => {
    const script = new LedgerScript(ledger.store);
    const { last } = await runCustodyScenario(script);
    const total = (await ledgerEvents(ledger.store)).length;
    const db = ledger.readModels();
    const runner = ledger.runner(db, { rebuildBatchSize: 10 });
    const first = runner.rebuild();
    const second = runner.rebuild();
    expect(second).toBe(first);
    runner.start();
    expect(runner.status().running).toBe(false);
    await first;
    expect(runner.status()).toMatchObject({ running: true, appliedEvents: total, checkpoint: last.position });
    const rebuilt = ledger.readModels('rebuilt.sqlite');
    await ledger.runner(rebuilt).rebuild();
    expect(dumpReadModels(db)).toEqual(dumpReadModels(rebuilt));
    const more = await script.as('nimbus', 'UninstallAsset', { assetId: 'rack-1' });
    await reach(runner, more);
  });

  it('rebuilds on a rollback journal when it has the file to itself, in WAL otherwise, and leaves it in WAL with its page cache', async () => {
    const script = new LedgerScript(ledger.store);
    await runCustodyScenario(script);
    const db = ledger.readModels();
    const modes: unknown[] = [];
    /** Before each batch of a rebuild is applied: the page cache and the indexes it writes with. */
    const beforeBatches: { cacheSize: unknown; indexes: string[] }[] = [];
    // The runner reads the end of the log once the rebuild has begun: note the journal then.
    const store = new Proxy(ledger.store, {
      get: (target, key) => {
        if (key === 'readAll') {
          return (options?: ReadAllOptions) => {
            modes.push(db.connection.pragma('journal_mode', { simple: true }));
            return target.readAll(options);
          };
        }
        if (key === 'subscribeToAll') {
          return (options: SubscribeToAllOptions, handler: BatchHandler) => target.subscribeToAll(options, (batch) => {
            beforeBatches.push({
              cacheSize: db.connection.pragma('cache_size', { simple: true }),
              indexes: indexes(db).filter((name) => !name.startsWith('sqlite_')),
            });
            return handler(batch);
          });
        }
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const runner = ledger.runner(db, { rebuildBatchSize: 10 }, store);
    await runner.rebuild();
    const [first, ...later] = beforeBatches;
    expect(first).toEqual({ cacheSize: -64 * 1024, indexes: expect.arrayContaining(['assets_by_owner', 'assets_by_parent']) });
    // Past its first batch: a small page cache, and of the secondary indexes only the one the projector reads through
    // (a container's contents).
    expect(later.length).toBeGreaterThan(1);
    for (const batch of later) {
      expect(batch.cacheSize).toBe(-16 * 1024);
      expect(batch.indexes).toContain('assets_by_parent');
      expect(batch.indexes).not.toContain('assets_by_owner');
      expect(batch.indexes).not.toContain('asset_events_by_asset');
    }
    const other = new Database(db.file, { readonly: true }); // another reader of the file (it has read: WAL is shared)
    try {
      const count = other.prepare<[], number>('SELECT count(*) FROM assets').pluck();
      const assets = count.get();
      await runner.rebuild();
      expect(count.get()).toBe(assets);
    } finally {
      other.close();
    }
    expect(modes).toEqual(['truncate', 'wal']);
    expect(db.connection.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.connection.pragma('synchronous', { simple: true })).toBe(1); // NORMAL, as configured
    expect(db.connection.pragma('cache_size', { simple: true })).toBe(-64 * 1024); // the default 64 MiB, not the rebuild's
    const rebuilt = ledger.readModels('rebuilt.sqlite');
    await ledger.runner(rebuilt).rebuild();
    expect(dumpReadModels(db)).toEqual(dumpReadModels(rebuilt));
    // The first rebuild ran in many batches, so without its secondary indexes until the end: all are back.
    expect(indexes(db)).toEqual(indexes(rebuilt));
    expect(indexes(db)).toEqual(expect.arrayContaining(['assets_by_owner', 'assets_by_parent', 'asset_events_by_asset']));
  });

  it('creates the indexes a rebuild cut short left out when the file is opened again', async () => {
    const script = new LedgerScript(ledger.store);
    await runCustodyScenario(script);
    const db = ledger.readModels('cut-short.sqlite');
    await ledger.runner(db).rebuild();
    const all = indexes(db);
    db.connection.exec('DROP INDEX asset_events_by_asset; DROP INDEX assets_by_owner');
    db.close();
    expect(indexes(ledger.readModels('cut-short.sqlite'))).toEqual(all);
  });

  it('changes nothing when the same batch is delivered twice, or overlapping batches', async () => {
    const script = new LedgerScript(ledger.store);
    await runCustodyScenario(script);
    const events = await ledgerEvents(ledger.store);
    const db = ledger.readModels();
    const projector = new ReadModelProjector(db);
    const half = Math.floor(events.length / 2);

    expect(projector.applyBatch(events.slice(0, half))).toMatchObject({ applied: half, skipped: 0 });
    const once = dumpReadModels(db);
    expect(projector.applyBatch(events.slice(0, half))).toEqual({ applied: 0, skipped: half, checkpoint: events[half - 1].position });
    expect(dumpReadModels(db)).toEqual(once);
    // A resumed delivery that overlaps what was applied, then duplicates inside one batch.
    const rest = events.slice(half - 5);
    expect(projector.applyBatch([...rest.slice(0, 10), ...rest])).toMatchObject({ applied: events.length - half });
    const all = dumpReadModels(db);
    // A new projector on the same file (nothing cached) skips it all as well.
    expect(new ReadModelProjector(db).applyBatch(events)).toMatchObject({ applied: 0, skipped: events.length });
    expect(dumpReadModels(db)).toEqual(all);

    const rebuilt = ledger.readModels('rebuilt.sqlite');
    new ReadModelProjector(rebuilt).applyBatch(events);
    expect(dumpReadModels(rebuilt)).toEqual(all);
  });

  it('writes nothing of a batch that fails, checkpoint included, and carries on after it', async () => {
    const script = new LedgerScript(ledger.store);
    await runCustodyScenario(script);
    const events = await ledgerEvents(ledger.store);
    const db = ledger.readModels();
    const projector = new ReadModelProjector(db);
    projector.applyBatch(events.slice(0, 40));
    const before = dumpReadModels(db);
    const lastPosition = events[events.length - 1].position;
    const poisoned: RecordedEvent = {
      ...events[0], id: 'poison', streamName: 'party-broken', type: 'PartyRegistered', data: { partyId: 'broken' },
      position: positionOf(lastPosition.commit + 1n),
    };
    expect(() => projector.applyBatch([...events.slice(40), poisoned])).toThrow(/NOT NULL/);
    expect(dumpReadModels(db)).toEqual(before);
    expect(projector.checkpoint).toEqual(events[39].position);
    projector.applyBatch(events.slice(40));
    const rebuilt = ledger.readModels('rebuilt.sqlite');
    new ReadModelProjector(rebuilt).applyBatch(events);
    expect(dumpReadModels(db)).toEqual(dumpReadModels(rebuilt));
  });

  it('resubscribes from its checkpoint when the store drops it, applying every event exactly once', async () => {
    const script = new LedgerScript(ledger.store);
    await runCustodyScenario(script);
    await runFleetScenario(script, { racks: 3, serversPerRack: 2, chipsPerBoard: 2 });
    const unreliable = new UnreliableStore(ledger.store, 12);
    const errors: unknown[] = [];
    const db = ledger.readModels();
    const runner = ledger.runner(db, { batchSize: 4, retry: { initialDelayMs: 1, maxDelayMs: 4 }, onError: (e) => errors.push(e) }, unreliable);
    runner.start();
    // History first (every subscription finds enough to be dropped), then a live write.
    const last = await script.as('cloud-de', 'UninstallAsset', { assetId: 'fleet-rack-1' });
    await reach(runner, last);
    const total = (await ledgerEvents(ledger.store)).length;

    expect(unreliable.drops).toBe(12);
    expect(errors).toHaveLength(12);
    expect(runner.status()).toEqual({ checkpoint: last.position, running: true, lastError: null, appliedEvents: total, catchingUp: false });
    const rebuilt = ledger.readModels('rebuilt.sqlite');
    await ledger.runner(rebuilt).rebuild();
    expect(dumpReadModels(db)).toEqual(dumpReadModels(rebuilt));
  });

  it('backs off exponentially while the store keeps refusing, and reports why', async () => {
    const attempts: number[] = [];
    const refusing = Object.create(ledger.store) as EventStore;
    refusing.subscribeToAll = () => {
      attempts.push(Date.now());
      return { done: Promise.reject(new Error('store unavailable')), close: async () => undefined };
    };
    const runner = ledger.runner(ledger.readModels(), { retry: { initialDelayMs: 20, maxDelayMs: 80 } }, refusing);
    runner.start();
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(runner.status()).toMatchObject({ running: true, lastError: 'Error: store unavailable', checkpoint: null });
    await runner.stop();
    expect(runner.status().running).toBe(false);
    const gaps = attempts.slice(1).map((at, i) => at - attempts[i]);
    // 20, 40, 80, 80, ... ms (timers may fire late, never early)
    expect(gaps.length).toBeGreaterThanOrEqual(4);
    expect(gaps.length).toBeLessThanOrEqual(7);
    [20, 40, 80, 80].forEach((delay, i) => expect(gaps[i]).toBeGreaterThanOrEqual(delay - 2));
    expect(Math.max(...gaps)).toBeLessThan(80 * 2 + 50);
  });

  it('keeps retrying an event it cannot apply, without skipping it, and says why', async () => {
    const db = ledger.readModels();
    const errors: unknown[] = [];
    const runner = ledger.runner(db, { retry: { initialDelayMs: 5, maxDelayMs: 10 }, onError: (e) => errors.push(e) });
    runner.start();
    const script = new LedgerScript(ledger.store);
    const good = await script.party('formosa', ['manufacturer'], 'TW');
    await reach(runner, good);
    const bad = await ledger.store.appendToStream('party-broken', [{ id: '0b6f2a55-8d40-4c1e-9a57-5d1f0f1f0001', type: 'PartyRegistered', data: { partyId: 'broken' }, metadata: {} }], 'no-stream');
    const after = await script.party('nimbus', ['operator'], 'DE');
    expect(await runner.waitForPosition(bad.position, 300)).toBe(false);
    expect(runner.status()).toMatchObject({ running: true, checkpoint: good.position });
    expect(runner.status().lastError).not.toBeNull();
    expect(errors.length).toBeGreaterThan(3);
    expect(String(errors[0])).toMatch(/NOT NULL constraint failed: parties.name/);
    expect(new LedgerQueries(db).getParty('nimbus')).toBeNull();
    expect(after.position).not.toBeNull();
  });

  describe('waitForPosition', () => {
    it('resolves true once the write is applied, and the write is then visible', async () => {
      const { runner, queries } = ledger.readSide();
      const script = new LedgerScript(ledger.store);
      await script.party('formosa', ['manufacturer'], 'TW');
      await script.facility('tw-fab', 'formosa', 'TW', 'fab');
      const written = await script.as('formosa', 'ManufactureAsset', { assetId: 'gpu-1', kind: 'chip', model: 'nvidia-h100-sxm', facilityId: 'tw-fab' });
      const started = Date.now();
      expect(await runner.waitForPosition(written.position as GlobalPosition, 5000)).toBe(true);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(queries.getAsset('gpu-1')).toMatchObject({ status: 'at-facility', facilityId: 'tw-fab', country: 'TW' });
      // Already there: at once.
      expect(await runner.waitForPosition(written.position as GlobalPosition, 0)).toBe(true);
    });

    it('is woken by the apply path when the write lands while it waits', async () => {
      const { runner, queries } = ledger.readSide();
      const script = new LedgerScript(ledger.store);
      const registered = await script.party('formosa', ['manufacturer'], 'TW');
      await reach(runner, registered);
      const next = positionOf((registered.position as GlobalPosition).commit + 1n);
      const waiting = runner.waitForPosition(next, 5000);
      await script.facility('tw-fab', 'formosa', 'TW', 'fab');
      expect(await waiting).toBe(true);
      expect(queries.getFacility('tw-fab')).not.toBeNull();
    });

    it('times out with false when the read side does not get there', async () => {
      const db = ledger.readModels();
      const runner = ledger.runner(db);
      const script = new LedgerScript(ledger.store);
      const written = await script.party('formosa', ['manufacturer'], 'TW');
      // Not started: nothing applies it.
      const started = Date.now();
      expect(await runner.waitForPosition(written.position as GlobalPosition, 100)).toBe(false);
      expect(Date.now() - started).toBeGreaterThanOrEqual(95);
      // Started: it gets there; a position past the end of the log is never reached.
      runner.start();
      expect(await runner.waitForPosition(written.position as GlobalPosition, 5000)).toBe(true);
      const beyond = positionOf((written.position as GlobalPosition).commit + 100n);
      expect(await runner.waitForPosition(beyond, 100)).toBe(false);
      expect(comparePositions(runner.status().checkpoint as GlobalPosition, written.position as GlobalPosition)).toBe(0);
    });
  });

  it('resumes from the checkpoint in the file after a restart of the process', async () => {
    const script = new LedgerScript(ledger.store, day(1));
    const first = ledger.readSide('models.sqlite');
    const early = await runCustodyScenario(script);
    await reach(first.runner, early.last);
    await first.runner.stop();
    first.db.close();
    const more = await script.as('nimbus', 'UninstallAsset', { assetId: 'rack-1' });
    const second = ledger.readSide('models.sqlite');
    await reach(second.runner, more);
    expect(second.runner.status().appliedEvents).toBe(1);
    expect(second.queries.getAsset('gpu-1-1')).toMatchObject({ status: 'at-facility', installation: null });
  });
});
