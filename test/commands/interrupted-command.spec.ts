import type { AssetState } from '@chip-ledger/domain';
import { assetStream, evolveAssetAt, initialAssetState } from '@chip-ledger/domain';
import type { Settlement } from '@chip-ledger/application';
import { ClaimSettler, LedgerCommandHandler, StreamReader } from '@chip-ledger/application';
import { CLAIM_RELEASED, type EventStore } from '@chip-ledger/event-store';
import type { CommandFactory, OpenedStore, StoreKind } from './command-ledger';
import { StoppingStore, openSeededLedger, portableDump, projectAll } from './command-ledger';

/**
 * Fault test (1) of issue 10 (docs/adr/0001-multi-stream-commands.md): the process stops between the appends of a
 * multi-stream command (packing two chips into a board: a claim on each chip, the commit on the board), and the
 * client never retries. After recovery every reader sees the command complete, or undone when it can no longer be
 * completed: the read models, a command deciding on the chip, and a replay of the chip's own stream.
 */

const stateOf = async (store: EventStore, assetId: string): Promise<AssetState> =>
  new StreamReader(store).state(assetStream(assetId), evolveAssetAt, initialAssetState());

const parentOf = async (store: EventStore, assetId: string): Promise<string | null> => {
  const state = await stateOf(store, assetId);
  if (!state.exists) throw new Error(`${assetId} does not exist`);
  return state.parentId;
};

/** Runs the settler (as the API does, with no wait) until it has settled something; returns what it did. */
const recover = async (store: EventStore): Promise<Map<string, Settlement>> => {
  const settled = new Map<string, Settlement>();
  const settler = new ClaimSettler(store, { settleAfterMs: 0, checkIntervalMs: 60_000, onSettled: (id, outcome) => settled.set(id, outcome) });
  await settler.start();
  try {
    while (!settled.size) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      await settler.check();
    }
  } finally {
    await settler.stop();
  }
  return settled;
};

describe.each(['sqlite', 'eventstoredb'] as StoreKind[])('a multi-stream command interrupted between its appends (%s)', (kind) => {
  let opened: OpenedStore;
  let handler: LedgerCommandHandler;
  let commands: CommandFactory;

  beforeEach(async () => {
    ({ opened, handler, commands } = await openSeededLedger(kind, ['board-1', 'chip-1', 'chip-2']));
  });
  afterEach(() => opened.close());

  const packStoppedAfter = async (appends: number): Promise<string> => {
    const stopping = new StoppingStore(opened.store, appends);
    const pack = commands.make('maker', 'PackAssets', { parentId: 'board-1', childIds: ['chip-1', 'chip-2'] });
    await expect(new LedgerCommandHandler(stopping.store).execute(pack)).rejects.toThrow('the process stopped here');
    return pack.metadata.commandId;
  };

  it.each([1, 2])('stopped after %i of its 3 appends, nothing else happening: completed by the settler; every reader sees it', async (appends) => {
    const commandId = await packStoppedAfter(appends);
    // Before recovery, the read models show nothing of it (the claims wait for their commit).
    const before = await projectAll(opened, 'before');
    expect(before.connection.prepare('SELECT asset_id, parent_id FROM assets WHERE parent_id IS NOT NULL').all()).toEqual([]);
    before.close();

    expect(await recover(opened.store)).toEqual(new Map([[commandId, 'completed']]));

    expect(await parentOf(opened.store, 'chip-1')).toBe('board-1');
    expect(await parentOf(opened.store, 'chip-2')).toBe('board-1');
    const board = await stateOf(opened.store, 'board-1');
    expect(board.exists && board.childIds).toEqual(['chip-1', 'chip-2']);
    // The board's own stream has the commit; each chip's stream has its claim and no release.
    const boardEvents = await opened.store.readStream(assetStream('board-1'));
    expect(boardEvents.filter((e) => e.metadata.commandId === commandId).map((e) => e.type)).toEqual(['AssetsPacked']);
    for (const chip of ['chip-1', 'chip-2']) {
      const types = (await opened.store.readStream(assetStream(chip))).filter((e) => e.metadata.commandId === commandId).map((e) => e.type);
      expect(types).toEqual(['AssetPackedInto']);
    }
    const after = await projectAll(opened, 'after');
    expect(after.connection.prepare('SELECT asset_id, parent_id, root_id FROM assets WHERE parent_id IS NOT NULL ORDER BY asset_id').all())
      .toEqual([{ asset_id: 'chip-1', parent_id: 'board-1', root_id: 'board-1' }, { asset_id: 'chip-2', parent_id: 'board-1', root_id: 'board-1' }]);
    expect(portableDump(after).pending_claims).toEqual([]);
    // One event per batch: the claims wait in the file across batches for their commit, to the same end.
    const eventByEvent = await projectAll(opened, 'event-by-event', 1);
    expect(portableDump(eventByEvent)).toEqual(portableDump(after));
    eventByEvent.close();
    after.close();
    // A retry that does come later is answered as done, writing nothing.
    const replayed = await handler.execute({ ...commands.make('maker', 'PackAssets', { parentId: 'board-1', childIds: ['chip-1', 'chip-2'] }),
      metadata: { ...commands.make('maker', 'PackAssets', { parentId: 'x', childIds: [] }).metadata, commandId } });
    expect(replayed.replayed).toBe(true);
  });

  it('stopped after one claim, then the board changed: the commit can no longer be written, so the settler undoes it', async () => {
    const commandId = await packStoppedAfter(1);
    await handler.execute(commands.make('maker', 'AttestLocation', { assetId: 'board-1', observedFacilityId: 'fab', method: 'rfid' }));

    expect(await recover(opened.store)).toEqual(new Map([[commandId, 'released']]));

    expect(await parentOf(opened.store, 'chip-1')).toBeNull();
    expect(await parentOf(opened.store, 'chip-2')).toBeNull();
    const chipOne = (await opened.store.readStream(assetStream('chip-1'))).filter((e) => e.metadata.commandId === commandId);
    expect(chipOne.map((e) => e.type)).toEqual(['AssetPackedInto', CLAIM_RELEASED]);
    expect((await opened.store.readStream(assetStream('chip-2'))).filter((e) => e.metadata.commandId === commandId)).toEqual([]);
    const after = await projectAll(opened, 'after');
    expect(after.connection.prepare('SELECT count(*) AS packed FROM assets WHERE parent_id IS NOT NULL').get()).toEqual({ packed: 0 });
    expect(portableDump(after).pending_claims).toEqual([]);
    const eventByEvent = await projectAll(opened, 'event-by-event', 1);
    expect(portableDump(eventByEvent)).toEqual(portableDump(after));
    eventByEvent.close();
    after.close();
    // The chip is free again: packing it anew is accepted.
    await handler.execute(commands.make('maker', 'PackAssets', { parentId: 'board-1', childIds: ['chip-1'] }));
    expect(await parentOf(opened.store, 'chip-1')).toBe('board-1');
  });

  it('stopped after one claim: the next command on the chip settles it first (completed) and decides on the result', async () => {
    const commandId = await packStoppedAfter(1);
    await expect(handler.execute(commands.make('maker', 'PackAssets', { parentId: 'board-1', childIds: ['chip-1'] })))
      .resolves.toMatchObject({ events: [] });
    expect(await parentOf(opened.store, 'chip-1')).toBe('board-1');
    expect(await parentOf(opened.store, 'chip-2')).toBe('board-1');
    const boardEvents = await opened.store.readStream(assetStream('board-1'));
    expect(boardEvents.filter((e) => e.metadata.commandId === commandId).map((e) => e.type)).toEqual(['AssetsPacked']);
  });
});
