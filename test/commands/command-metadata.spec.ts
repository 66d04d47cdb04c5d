import { LedgerCommandHandler } from '@chip-ledger/application';
import type { CommandFactory, OpenedStore, StoreKind } from './command-ledger';
import { openSeededLedger } from './command-ledger';

/**
 * Correlation and causation travel in the command's metadata, and every event the command writes carries them in its
 * envelope: the claims of a multi-stream command as well as its commit. Without them, the command is its own.
 */
describe.each(['sqlite', 'eventstoredb'] as StoreKind[])('a command\'s correlation and causation (%s)', (kind) => {
  let opened: OpenedStore;
  let handler: LedgerCommandHandler;
  let commands: CommandFactory;

  beforeEach(async () => {
    ({ opened, handler, commands } = await openSeededLedger(kind, ['board-1', 'chip-1', 'chip-2']));
  });
  afterEach(() => opened.close());

  const envelopesOf = async (commandId: string) => {
    const envelopes = [];
    for await (const event of opened.store.readAll()) {
      if (event.metadata.commandId === commandId) envelopes.push({ stream: event.streamName, ...event.metadata });
    }
    return envelopes;
  };

  it('are written on every stream the command writes', async () => {
    const pack = commands.make('maker', 'PackAssets', { parentId: 'board-1', childIds: ['chip-1', 'chip-2'] }, {
      correlationId: 'request-42', causationId: 'upstream-7',
    });
    await handler.execute(pack);
    const envelopes = await envelopesOf(pack.metadata.commandId);
    expect(envelopes.map((e) => e.stream).sort()).toEqual(['asset-board-1', 'asset-chip-1', 'asset-chip-2']);
    for (const envelope of envelopes) expect(envelope).toMatchObject({ correlationId: 'request-42', causationId: 'upstream-7' });
  });

  it('default to the command\'s own id', async () => {
    const attest = commands.make('maker', 'AttestLocation', { assetId: 'chip-1', observedFacilityId: 'fab', method: 'rfid' });
    await handler.execute(attest);
    const { commandId } = attest.metadata;
    expect(await envelopesOf(commandId)).toEqual([expect.objectContaining({ correlationId: commandId, causationId: commandId })]);
  });
});
