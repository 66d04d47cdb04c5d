import type { Written } from './ledger-script';
import { LedgerScript, day } from './ledger-script';

export type ScenarioStep =
  | 'manufactured' | 'packed' | 'shipped' | 'held' | 'cleared' | 'received' | 'sold' | 'installed' | 'missing' | 'recovered' | 'done';

/** What the scenario wrote, for assertions: the write that ended each step, and a few times worth asking about. */
export type ScenarioResult = {
  readonly steps: ReadonlyMap<ScenarioStep, Written>;
  /** The last write. */
  readonly last: Written;
};

export const CHIPS_ON_BOARD_1 = ['gpu-1-1', 'gpu-1-2', 'gpu-1-3', 'gpu-1-4'];
export const CHIPS_ON_BOARD_2 = ['gpu-2-1', 'gpu-2-2', 'gpu-2-3', 'gpu-2-4'];

/**
 * A Taiwanese maker builds a rack (two servers, a board of four chips in each) and ships it to a Frankfurt
 * datacenter; German customs hold and clear it; the operator receives it and buys it with its contents, takes one
 * server out and installs the rack, takes a chip out of the other server's board, decommissions and destroys that
 * chip, loses the server for a day and finds it again. A loose chip shipped to Frankfurt turns up at a Polish depot
 * (a diversion) and an investigator's late report places it elsewhere (a location mismatch).
 *
 * `after` runs after each step, so a test can look at the read models mid-journey.
 */
export const runCustodyScenario = async (
  script: LedgerScript,
  after: (step: ScenarioStep, written: Written) => Promise<void> | void = () => undefined,
): Promise<ScenarioResult> => {
  const steps = new Map<ScenarioStep, Written>();
  const step = async (name: ScenarioStep, written: Written) => {
    steps.set(name, written);
    await after(name, written);
    return written;
  };
  await script.party('formosa', ['manufacturer'], 'TW');
  await script.party('skyfreight', ['carrier'], 'NL');
  await script.party('de-customs', ['customs'], 'DE');
  await script.party('fr-customs', ['customs'], 'FR');
  await script.party('nimbus', ['operator'], 'DE');
  await script.party('shadow', ['operator'], 'PL');
  await script.party('registry', ['investigator'], 'CH');
  await script.party('stranger', ['operator'], 'FR');
  await script.facility('tw-assembly', 'formosa', 'TW', 'assembly');
  await script.facility('dc-fra', 'nimbus', 'DE', 'datacenter');
  await script.facility('pl-depot', 'shadow', 'PL', 'warehouse');

  const at = { occurredAt: day(1) };
  const make = (assetId: string, kind: 'chip' | 'board' | 'server' | 'rack', model: string) =>
    script.as('formosa', 'ManufactureAsset', { assetId, kind, model, serialNumber: `SN-${assetId}`, facilityId: 'tw-assembly' }, at);
  await make('rack-1', 'rack', 'NVL rack');
  for (const server of ['server-1', 'server-2']) await make(server, 'server', 'HGX server');
  for (const board of ['board-1', 'board-2']) await make(board, 'board', 'HGX baseboard');
  for (const chip of CHIPS_ON_BOARD_1) await make(chip, 'chip', 'nvidia-h100-sxm');
  for (const chip of CHIPS_ON_BOARD_2) await make(chip, 'chip', 'amd-mi300x');
  await step('manufactured', await make('gpu-x', 'chip', 'nvidia-h20'));

  await script.as('formosa', 'PackAssets', { parentId: 'board-1', childIds: CHIPS_ON_BOARD_1 }, { occurredAt: day(2) });
  await script.as('formosa', 'PackAssets', { parentId: 'board-2', childIds: CHIPS_ON_BOARD_2 }, { occurredAt: day(2) });
  await script.as('formosa', 'PackAssets', { parentId: 'server-1', childIds: ['board-1'] }, { occurredAt: day(3) });
  await script.as('formosa', 'PackAssets', { parentId: 'server-2', childIds: ['board-2'] }, { occurredAt: day(3) });
  await step('packed', await script.as('formosa', 'PackAssets', { parentId: 'rack-1', childIds: ['server-1', 'server-2'] }, { occurredAt: day(4) }));

  await script.as('formosa', 'ShipAsset', { assetId: 'gpu-x', toFacilityId: 'dc-fra', carrierId: 'skyfreight', exportLicence: 'BIS-L-2' }, { occurredAt: day(5, 10) });
  await step('shipped', await script.as('formosa', 'ShipAsset', {
    assetId: 'rack-1', toFacilityId: 'dc-fra', carrierId: 'skyfreight', exportLicence: 'BIS-L-1', shipmentRef: 'AWB-1',
  }, { occurredAt: day(5) }));
  await script.as('shadow', 'ReceiveAsset', { assetId: 'gpu-x', facilityId: 'pl-depot' }, { occurredAt: day(6) });
  await step('held', await script.as('de-customs', 'HoldAtCustoms', { assetId: 'rack-1', country: 'DE', reason: 'documents check' }, { occurredAt: day(7) }));
  await step('cleared', await script.as('de-customs', 'ClearCustoms', { assetId: 'rack-1', releaseRef: 'REL-9' }, { occurredAt: day(8) }));
  await step('received', await script.as('nimbus', 'ReceiveAsset', { assetId: 'rack-1', facilityId: 'dc-fra' }, { occurredAt: day(9) }));
  await step('sold', await script.as('formosa', 'TransferOwnership', { assetId: 'rack-1', toOwnerId: 'nimbus', contractRef: 'PO-1' }, { occurredAt: day(9, 13) }));

  await script.as('nimbus', 'UnpackAssets', { parentId: 'rack-1', childIds: ['server-2'] }, { occurredAt: day(10) });
  await step('installed', await script.as('nimbus', 'InstallAsset', { assetId: 'rack-1', cluster: 'fra-1', rack: 'R1' }, { occurredAt: day(10, 13) }));
  await script.as('nimbus', 'UnpackAssets', { parentId: 'board-2', childIds: ['gpu-2-1'] }, { occurredAt: day(11) });
  await script.as('nimbus', 'DecommissionAsset', { assetId: 'gpu-2-1', reason: 'failed burn-in' }, { occurredAt: day(12) });
  await step('missing', await script.as('nimbus', 'ReportAssetMissing', { assetId: 'server-2', circumstances: 'not in its cage' }, { occurredAt: day(12, 13) }));
  await script.as('nimbus', 'DestroyAsset', { assetId: 'gpu-2-1', certificateRef: 'CERT-1', method: 'shred' }, { occurredAt: day(13) });
  await step('recovered', await script.as('nimbus', 'RecoverAsset', { assetId: 'server-2', facilityId: 'dc-fra' }, { occurredAt: day(13, 13) }));
  // Reported late: it happened on day 6, the ledger learnt of it after everything above.
  const last = await script.as('registry', 'AttestLocation', { assetId: 'gpu-x', observedFacilityId: 'dc-fra', method: 'inspection' }, { occurredAt: day(6, 15) });
  await step('done', last);
  return { steps, last };
};
