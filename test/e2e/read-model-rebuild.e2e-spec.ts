import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '@chip-ledger/event-store';
import { decodePosition } from '@chip-ledger/event-store';
import { LiveReadModels, ProjectionRunner, ReadModelsLocked, openReadModelDb } from '@chip-ledger/projections';
import { dumpReadModels } from '../../libs/projections/src/testing/read-side-fixture';
import { rebuildWithProgress } from '../../apps/cli/src/rebuild-command';
import { openEventStore } from '@chip-ledger/runtime';
import { startServer } from '../../apps/api/src/start-server';
import { describeOnEachStore } from '../support/ledger-stores';
import type { TestLedger } from '../support/ledger-test-app';

const INITIAL_ASSETS = 120;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The CLI's store, each batch it delivers held until a reader has had an answer since: the rebuild runs in this
 * process (the CLI is another one in real life), so without it a quick replay could finish between two reads.
 */
const pacedBy = (store: EventStore, readAnswered: () => Promise<void>): EventStore => {
  const paced = Object.create(store) as EventStore;
  paced.subscribeToAll = (options, handler) => store.subscribeToAll(options, async (batch) => {
    await handler(batch);
    await readAnswered();
  });
  return paced;
};
const chip = (assetId: string) => ({ assetId, kind: 'chip', model: 'nvidia-h100-sxm', facilityId: 'fab-1', occurredAt: '2026-11-01T08:00:00Z' });

/**
 * `cli rebuild` on the data directory of a serving API, with clients reading and writing all along: the rebuild
 * builds a new generation next to the served one, the API moves to it, and no reader ever sees an asset vanish.
 */
describeOnEachStore('rebuilding the read models under a serving API', (on) => {
  let ledger: TestLedger;
  let maker: string;
  /** The CLI's own connection to the store, as a separate `cli rebuild` process has. */
  let cliStore: EventStore;

  beforeAll(async () => {
    ledger = await on.start();
    maker = await ledger.registerParty('maker', ['manufacturer'], 'TW');
    await ledger.registerFacility('fab-1', 'maker', 'TW', 'fab');
    for (let i = 0; i < INITIAL_ASSETS; i += 24) {
      await Promise.all(Array.from({ length: 24 }, (_, j) =>
        ledger.post('/assets', maker, chip(`gpu-${i + j}`)).expect(201)));
    }
    cliStore = openEventStore(ledger.config);
  });

  afterAll(async () => {
    await cliStore.close();
    await ledger.close();
  });

  it('keeps answering every existing asset while it runs, then serves the rebuilt models, equal to a clean rebuild', async () => {
    const live = ledger.app.get(LiveReadModels);
    const served = live.db.file;
    const existing = Array.from({ length: INITIAL_ASSETS }, (_, i) => `gpu-${i}`);
    const written: string[] = [];
    const statuses = new Map<number, number>();
    let readsAfterMove = 0;
    let rebuilding = false;
    let readsWhileRebuilding = 0;
    let answered: () => void = () => undefined;
    const readAnswered = () => new Promise<void>((resolve) => {
      answered = resolve;
    });
    let stop = false;
    // However it fails, the clients stop (a test that hangs says nothing).
    const deadline = setTimeout(() => {
      stop = true;
    }, 60_000);

    const reader = async () => {
      for (let n = 0; !stop; n++) {
        const response = await ledger.get(`/assets/${existing[(n * 7) % existing.length]}`, ledger.adminKey);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        await pause(5);
        if (rebuilding) readsWhileRebuilding++;
        answered();
        if (live.db.file !== served) readsAfterMove++;
      }
    };
    const writer = async () => {
      for (let n = 0; !stop; n++) {
        const assetId = `late-${n}`;
        await ledger.post('/assets', maker, chip(assetId)).expect(201);
        written.push(assetId);
        await pause(20);
      }
    };
    const clients = Promise.all([reader(), reader(), writer()]);
    const printed: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    let summary;
    try {
      rebuilding = true;
      // Small batches: the replay yields between them, so reads and writes land while it runs.
      summary = await rebuildWithProgress(ledger.config.dataDir, pacedBy(cliStore, readAnswered), { rebuildBatchSize: 40 });
      rebuilding = false;
      log.mockRestore();
      expect(printed.join('\n')).toMatch(/Read models rebuilt: \d+ events in [\d.]+ s \(\d+ events\/s\)\n {2}rows: assets \d+/);
      expect(summary.file).not.toBe(served);
      expect(readFileSync(join(ledger.config.dataDir, 'read-models.current'), 'utf8').trim()).toBe('read-models.1.sqlite');
      expect(summary.previousRemoved).toBe(false); // the API still served it
      // The API notices the new generation by itself; clients keep going until it has, and a while after.
      while (!stop && (live.db.file === served || readsAfterMove < 20)) await pause(20);
      expect(live.db.file).toBe(summary.file);
    } finally {
      log.mockRestore();
      stop = true;
      clearTimeout(deadline);
      await clients;
    }

    expect(Object.fromEntries(statuses)).toEqual({ 200: expect.any(Number) });
    expect(readsWhileRebuilding).toBeGreaterThan(0);
    expect(written.length).toBeGreaterThan(0);
    expect(existsSync(served)).toBe(false); // the old generation is removed once the API has moved

    // Every write is there, and the models are exactly what a clean rebuild of the whole log gives.
    const last = await ledger.post('/assets', maker, chip('final')).expect(201);
    await ledger.get(`/assets/final?position=${last.body.position}`, ledger.adminKey).expect(200);
    expect(await live.runner.waitForPosition(decodePosition(last.body.position)!, 5000)).toBe(true);
    for (const assetId of written) expect(live.queries.getAsset(assetId)).not.toBeNull();
    const dir = mkdtempSync(join(tmpdir(), 'chip-ledger-clean-rebuild-'));
    const clean = openReadModelDb(join(dir, 'clean.sqlite'));
    try {
      await new ProjectionRunner(cliStore, clean).rebuild();
      expect(dumpReadModels(live.db)).toEqual(dumpReadModels(clean));
    } finally {
      clean.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('lets no second projector write the served read models: a runner and a second API on the directory are refused', async () => {
    const live = ledger.app.get(LiveReadModels);
    const second = openReadModelDb(live.db.file);
    try {
      const runner = new ProjectionRunner(cliStore, second);
      expect(() => runner.start()).toThrow(ReadModelsLocked);
      await expect(runner.rebuild()).rejects.toThrow(/Another projector is writing the read models in .*read-models(\.\d+)?\.sqlite \(pid \d+, chip-ledger API, since /);
    } finally {
      second.close();
    }
    await expect(startServer({ ...ledger.config, port: 0 }, { logger: false })).rejects.toThrow(ReadModelsLocked);
    // The serving API is unaffected.
    await ledger.get('/assets/gpu-1', ledger.adminKey).expect(200);
  });
});
