import { join } from 'node:path';
import type { Settlement } from '@chip-ledger/application';
import { ClaimSettler, LedgerCommandHandler, fileSettlerCheckpoint } from '@chip-ledger/application';
import { CustodyError } from '@chip-ledger/domain';
import { assetStream } from '@chip-ledger/domain';
import type { BatchHandler, EventStore } from '@chip-ledger/event-store';
import type { CommandFactory, OpenedStore, StoreKind } from './command-ledger';
import { StoppingStore, openSeededLedger, projectAll, until } from './command-ledger';

describe.each(['sqlite', 'eventstoredb'] as StoreKind[])('the claim settler and concurrent claims (%s)', (kind) => {
  let opened: OpenedStore;
  let handler: LedgerCommandHandler;
  let commands: CommandFactory;

  beforeEach(async () => {
    ({ opened, handler, commands } = await openSeededLedger(kind, ['board-1', 'board-2', 'chip-1', 'chip-2']));
  });
  afterEach(() => opened.close());

  it('a settler stopped before the wait was over leaves a checkpoint behind the claim: the next one, started from it, settles the command', async () => {
    const pack = commands.make('maker', 'PackAssets', { parentId: 'board-1', childIds: ['chip-1', 'chip-2'] });
    await new LedgerCommandHandler(new StoppingStore(opened.store, 1).store).execute(pack).catch(() => undefined);
    const checkpoint = fileSettlerCheckpoint(join(opened.dir, 'settler-checkpoint.json'));
    const first = new ClaimSettler(opened.store, { settleAfterMs: 3_600_000, checkIntervalMs: 3_600_000, checkpointEveryMs: 0, checkpoint });
    await first.start();
    await until(() => first.pending === 1);
    // Later commands move the log on; the checkpoint must stay before the unsettled claim.
    await handler.execute(commands.make('maker', 'AttestLocation', { assetId: 'board-2', observedFacilityId: 'fab', method: 'rfid' }));
    await first.check();
    await first.stop();
    const [claim] = (await opened.store.readStream(assetStream('chip-1'))).filter((e) => e.metadata.commandId === pack.metadata.commandId);
    expect(checkpoint.load()!.commit).toBeLessThan(claim.position.commit);

    const settled: [string, Settlement][] = [];
    const second = new ClaimSettler(opened.store, { settleAfterMs: 0, checkIntervalMs: 3_600_000, checkpoint, onSettled: (...s) => settled.push(s) });
    await second.start();
    await until(() => second.pending === 1);
    await second.check();
    await second.stop();
    expect(settled).toEqual([[pack.metadata.commandId, 'completed']]);
  });

  it('two packs of one chip into two boards at once: one wins, the other is refused; every reader agrees', async () => {
    const outcomes = await Promise.all(['board-1', 'board-2'].map((parentId) =>
      new LedgerCommandHandler(opened.store).execute(commands.make('maker', 'PackAssets', { parentId, childIds: ['chip-1'] }))
        .then(() => parentId, (error: unknown) => {
          if (error instanceof CustodyError) return error.constructor.name;
          throw error;
        })));
    const winners = outcomes.filter((o) => o.startsWith('board-'));
    expect(winners).toHaveLength(1);
    expect(outcomes.filter((o) => !o.startsWith('board-'))).toEqual([expect.stringMatching(/AlreadyPacked|ConcurrencyConflict/)]);
    const db = await projectAll(opened, 'read');
    expect(db.connection.prepare('SELECT asset_id, parent_id FROM assets WHERE parent_id IS NOT NULL').all())
      .toEqual([{ asset_id: 'chip-1', parent_id: winners[0] }]);
    db.close();
  });

  it('a settler catching up with no wait, checking between a complete command\'s claim and its commit, settles only the interrupted one', async () => {
    await handler.execute(commands.make('maker', 'PackAssets', { parentId: 'board-2', childIds: ['chip-2'] }));
    const interrupted = commands.make('maker', 'PackAssets', { parentId: 'board-1', childIds: ['chip-1'] });
    await new LedgerCommandHandler(new StoppingStore(opened.store, 1).store).execute(interrupted).catch(() => undefined);
    const settled: [string, Settlement][] = [];
    let settler: ClaimSettler | null = null;
    // The log delivered one event at a time, with a check after each: a long catch-up, where claims come by well
    // before their commit.
    const slowLog = new Proxy(opened.store, {
      get: (target, property) => {
        if (property !== 'subscribeToAll') {
          const value = Reflect.get(target, property) as unknown;
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        }
        return (options: Parameters<EventStore['subscribeToAll']>[0], deliver: BatchHandler) =>
          target.subscribeToAll(options, async (batch) => {
            for (const event of batch) {
              await deliver([event]);
              await settler?.check();
            }
          });
      },
    });
    settler = new ClaimSettler(slowLog, { settleAfterMs: 0, checkIntervalMs: 3_600_000, onSettled: (...s) => settled.push(s) });
    await settler.start();
    await until(() => settled.length > 0 && settler.pending === 0);
    await settler.stop();
    expect(settled).toEqual([[interrupted.metadata.commandId, 'completed']]);
  });
});
