import { assetStream, facilityStream, partyStream } from '../core/stream-names';
import type { ScopeLoaders } from '../asset/asset.scope';
import {
  ADMIN, CARRIER, DATACENTER, FAB, MAKER, REGISTRY, assetHistory, assetIn, command, createWorld, manufactured, packing, shipped,
} from '../testing';
import type { LedgerCommand } from './ledger-command';
import { categoryOfStream, foldStream, ledgerDecider } from './ledger.decider';

const { targetStream, read, decide } = ledgerDecider;

/** Loaders over a world that also note each stream asked for, in order. */
const recording = (...histories: Parameters<typeof createWorld>) => {
  const world = createWorld(REGISTRY, ...histories);
  const asked: string[] = [];
  const loaders: ScopeLoaders = {
    asset: async (id) => (asked.push(assetStream(id)), world.loaders.asset(id)),
    facility: async (id) => (asked.push(facilityStream(id)), world.loaders.facility(id)),
    party: async (id) => (asked.push(partyStream(id)), world.loaders.party(id)),
  };
  return { world, loaders, asked };
};

const registerFacility = command('RegisterFacility', {
  facilityId: 'dc-new', name: 'New DC', kind: 'datacenter', country: 'US', operatorId: MAKER.id,
}, ADMIN);
const issueKey = command('IssueApiKey', { partyId: MAKER.id, keyId: 'k1', secretHash: 'sha256:k1' }, ADMIN);
const pack = command('PackAssets', { parentId: 'server-1', childIds: ['gpu-1', 'gpu-2'] }, MAKER);
const ship = command('ShipAsset', { assetId: 'gpu-1', toFacilityId: DATACENTER.id, carrierId: CARRIER.id }, MAKER);

describe('the ledger decider', () => {
  it.each<{ command: LedgerCommand; target: string }>([
    { command: registerFacility, target: 'facility-dc-new' },
    { command: issueKey, target: `party-${MAKER.id}` },
    { command: pack, target: 'asset-server-1' },
    { command: ship, target: 'asset-gpu-1' },
  ])('addresses $command.type to $target', ({ command: cmd, target }) => {
    expect(targetStream(cmd)).toBe(target);
    expect(categoryOfStream(target)).toBe(target.slice(0, target.indexOf('-')));
  });

  it.each<{ command: LedgerCommand; reads: string[] }>([
    { command: registerFacility, reads: ['facility-dc-new', `party-${MAKER.id}`] },
    { command: issueKey, reads: [`party-${MAKER.id}`] },
    // The target, then what it names; the origin facility is known only once the asset is read.
    { command: ship, reads: ['asset-gpu-1', `facility-${FAB.id}`, `facility-${DATACENTER.id}`, `party-${CARRIER.id}`] },
  ])('reads for $command.type exactly the streams its decision consults', async ({ command: cmd, reads }) => {
    const { loaders, asked } = recording(assetIn('at-facility', 'gpu-1'));
    await read(cmd, loaders);
    expect(asked).toEqual(reads);
  });

  it('reads the containers around a packed asset and decides on them', async () => {
    const { loaders, asked } = recording(
      assetIn('at-facility', 'gpu-1'), assetIn('at-facility', 'board-1', 'board'), assetIn('at-facility', 'server-1', 'server'),
      packing('board-1', ['gpu-1']), packing('server-1', ['board-1']),
    );
    const attest = command('AttestLocation', { assetId: 'gpu-1', observedFacilityId: FAB.id, method: 'rfid' }, MAKER);
    const scope = await read(attest, loaders);
    expect(asked).toEqual(['asset-gpu-1', 'asset-board-1', 'asset-server-1', `facility-${FAB.id}`]);
    expect(decide(attest, scope)).toEqual([{ streamName: 'asset-gpu-1', events: [{
      type: 'LocationAttested',
      data: { assetId: 'gpu-1', attestedBy: MAKER.id, method: 'rfid', observedFacilityId: FAB.id, expectedFacilityId: FAB.id, matches: true },
    }] }]);
  });

  it('writes a pack to the container and to each child it claims', async () => {
    const { loaders } = recording(
      assetIn('at-facility', 'gpu-1'), assetIn('at-facility', 'gpu-2'), assetIn('at-facility', 'server-1', 'server'),
    );
    const decision = decide(pack, await read(pack, loaders));
    expect(decision.map((s) => s.streamName)).toEqual(['asset-server-1', 'asset-gpu-1', 'asset-gpu-2']);
  });

  it('refuses to decide a command on a scope read for another kind of command', async () => {
    const { loaders } = recording(assetIn('at-facility', 'gpu-1'));
    const [assetScope, partyScope] = [await read(ship, loaders), await read(issueKey, loaders)];
    expect(() => decide(issueKey, assetScope)).toThrow('IssueApiKey cannot be decided on a scope read for asset commands');
    expect(() => decide(ship, partyScope)).toThrow('ShipAsset cannot be decided on a scope read for party commands');
  });

  it('folds a stream with the evolve of its category and refuses events of another', () => {
    const events = [manufactured('gpu-1'), shipped('gpu-1', FAB, DATACENTER)];
    const state = foldStream('asset', ledgerDecider.initialState.asset(), events, ['2025-05-01T00:00:00Z', '2025-05-02T00:00:00Z']);
    expect(state).toMatchObject({ exists: true, status: 'in-transit', registeredAt: '2025-05-01T00:00:00.000Z', changedAt: '2025-05-02T00:00:00.000Z' });
    expect(createWorld(assetHistory('gpu-1', ...events)).asset('gpu-1')).toMatchObject({ status: 'in-transit', changedAt: null });
    expect(() => foldStream('party', ledgerDecider.initialState.party(), events)).toThrow('AssetManufactured is not an event of a party stream');
  });

  it('knows no stream outside its three categories', () => {
    expect(() => categoryOfStream('$ce-asset')).toThrow('not a ledger stream');
  });
});
