import type { LedgerScript, Written } from './ledger-script';

export type FleetSize = { readonly racks: number; readonly serversPerRack: number; readonly chipsPerBoard: number };

const MODELS = ['nvidia-h100-sxm', 'nvidia-b200', 'amd-mi300x', 'google-tpu-v5p'];

/**
 * Many racks (servers of one board of chips each), each on a slightly different journey: customs holds on some,
 * diversions, sales, partial unpacking, decommissioning, a rack lost and found, late reports. Deterministic.
 * `after` runs after every write, so a test can stop and restart a runner anywhere in the stream.
 */
export const runFleetScenario = async (
  script: LedgerScript,
  size: FleetSize,
  after: (written: Written, index: number) => Promise<void> | void = () => undefined,
): Promise<Written> => {
  let index = 0;
  let last: Written | null = null;
  const note = async (written: Written) => {
    last = written;
    await after(written, index++);
    return written;
  };
  await note(await script.party('foundry', ['manufacturer'], 'TW'));
  await note(await script.party('carrier', ['carrier'], 'NL'));
  await note(await script.party('customs-de', ['customs'], 'DE'));
  await note(await script.party('customs-us', ['customs'], 'US'));
  await note(await script.party('cloud-de', ['operator'], 'DE'));
  await note(await script.party('cloud-us', ['operator'], 'US'));
  await note(await script.party('broker', ['operator'], 'AE'));
  await note(await script.facility('fleet-fab', 'foundry', 'TW', 'assembly'));
  await note(await script.facility('fleet-dc-de', 'cloud-de', 'DE', 'datacenter'));
  await note(await script.facility('fleet-dc-us', 'cloud-us', 'US', 'datacenter'));
  await note(await script.facility('fleet-depot', 'broker', 'AE', 'warehouse'));

  for (let r = 0; r < size.racks; r++) {
    const rack = `fleet-rack-${r}`;
    const servers = Array.from({ length: size.serversPerRack }, (_, s) => `${rack}-srv-${s}`);
    const boards = servers.map((server) => `${server}-brd`);
    const chips = boards.map((board) => Array.from({ length: size.chipsPerBoard }, (_, c) => `${board}-gpu-${c}`));
    const make = async (assetId: string, kind: 'chip' | 'board' | 'server' | 'rack', model: string) =>
      note(await script.as('foundry', 'ManufactureAsset', { assetId, kind, model, serialNumber: `SN-${assetId}`, facilityId: 'fleet-fab' }));
    await make(rack, 'rack', 'rack-42U');
    for (let s = 0; s < servers.length; s++) {
      await make(servers[s], 'server', 'server-8gpu');
      await make(boards[s], 'board', 'baseboard');
      for (const chip of chips[s]) await make(chip, 'chip', MODELS[(r + s) % MODELS.length]);
      await note(await script.as('foundry', 'PackAssets', { parentId: boards[s], childIds: chips[s] }));
      await note(await script.as('foundry', 'PackAssets', { parentId: servers[s], childIds: [boards[s]] }));
    }
    await note(await script.as('foundry', 'PackAssets', { parentId: rack, childIds: servers }));

    const us = r % 3 === 0;
    const [destination, operator, customs, country] = us
      ? ['fleet-dc-us', 'cloud-us', 'customs-us', 'US'] as const
      : ['fleet-dc-de', 'cloud-de', 'customs-de', 'DE'] as const;
    const diverted = r % 5 === 4;
    await note(await script.as('foundry', 'ShipAsset', { assetId: rack, toFacilityId: destination, carrierId: 'carrier', exportLicence: `LIC-${r}` }));
    if (r % 2 === 0) {
      await note(await script.as(customs, 'HoldAtCustoms', { assetId: rack, country, reason: 'inspection' }));
      await note(await script.as(customs, 'ClearCustoms', { assetId: rack }));
    }
    const receiver = diverted ? 'broker' : operator;
    await note(await script.as(receiver, 'ReceiveAsset', { assetId: rack, facilityId: diverted ? 'fleet-depot' : destination }));
    if (r % 2 === 1) await note(await script.as('foundry', 'TransferOwnership', { assetId: rack, toOwnerId: receiver, contractRef: `PO-${r}` }));
    if (r % 3 === 1 && servers.length > 1) {
      await note(await script.as(receiver, 'UnpackAssets', { parentId: rack, childIds: [servers[1]] }));
      await note(await script.as(receiver, 'UnpackAssets', { parentId: boards[1], childIds: [chips[1][0]] }));
      await note(await script.as(receiver, 'DecommissionAsset', { assetId: chips[1][0], reason: 'ECC errors' }));
    }
    if (!diverted) await note(await script.as(receiver, 'InstallAsset', { assetId: rack, cluster: `${destination}-c1`, slot: `U${r}` }));
    if (r % 4 === 3) {
      await note(await script.as(receiver, 'ReportAssetMissing', { assetId: rack, circumstances: 'audit gap' }));
      await note(await script.as(receiver, 'RecoverAsset', { assetId: rack, facilityId: diverted ? 'fleet-depot' : destination }));
    }
    if (r % 6 === 5) {
      // Inspections that place a chip, then the whole rack, somewhere else: location mismatches.
      await note(await script.as(customs, 'AttestLocation', { assetId: chips[0][0], observedFacilityId: 'fleet-fab', method: 'inspection' }));
      await note(await script.as(customs, 'AttestLocation', { assetId: rack, observedFacilityId: 'fleet-fab', method: 'inspection' }));
    }
  }
  if (!last) throw new Error('the fleet wrote nothing');
  return last;
};
