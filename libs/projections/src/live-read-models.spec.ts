import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GlobalPosition } from '@chip-ledger/event-store';
import { LiveReadModels } from './live-read-models';
import { ReadModelsLocked } from './read-model-lock';
import { rebuildReadModels } from './read-model-rebuild';
import { runCustodyScenario } from './testing/custody-scenario';
import { LedgerScript } from './testing/ledger-script';
import { TempLedger, dumpReadModels } from './testing/read-side-fixture';

describe('live read models and rebuilt generations', () => {
  let ledger: TempLedger;
  let live: LiveReadModels;

  beforeEach(() => {
    ledger = new TempLedger();
    live = new LiveReadModels(ledger.dir, ledger.store, { pollIntervalMs: 60_000 });
  });

  afterEach(async () => {
    await live.close();
    await ledger.cleanUp();
  });

  it('moves to a generation rebuilt next to it, never answering from an emptier one, and removes the old file', async () => {
    live.start();
    const script = new LedgerScript(ledger.store);
    const { last } = await runCustodyScenario(script);
    expect(await live.runner.waitForPosition(last.position as GlobalPosition, 5000)).toBe(true);
    const served = live.db.file;
    const before = dumpReadModels(live.db);

    const summary = await rebuildReadModels(ledger.dir, ledger.store);
    expect(summary).toMatchObject({ file: join(ledger.dir, 'read-models.1.sqlite'), previous: served, previousRemoved: false });
    expect(readFileSync(join(ledger.dir, 'read-models.current'), 'utf8').trim()).toBe('read-models.1.sqlite');
    // Published but not moved to yet: still the old file, as complete as before.
    expect(live.db.file).toBe(served);
    const more = await script.as('nimbus', 'UninstallAsset', { assetId: 'rack-1' });

    await live.moveIfPublished();
    expect(live.db.file).toBe(summary.file);
    expect(existsSync(served)).toBe(false);
    expect(await live.runner.waitForPosition(more.position as GlobalPosition, 5000)).toBe(true);
    expect(live.queries.getAsset('gpu-1-1')).toMatchObject({ status: 'at-facility', installation: null });
    expect(Object.keys(dumpReadModels(live.db))).toEqual(Object.keys(before));
  });

  it('refuses a second projector on the served file, with who holds it', () => {
    live.start();
    expect(() => new LiveReadModels(ledger.dir, ledger.store)).toThrow(ReadModelsLocked);
    expect(() => new LiveReadModels(ledger.dir, ledger.store)).toThrow(/Another projector is writing the read models in .*read-models\.sqlite \(pid \d+, serving, since /);
  });
});
