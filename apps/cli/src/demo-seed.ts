import { v7 as uuidv7 } from 'uuid';
import type { Actor, CommandData, LedgerCommandType, Role } from '@chip-ledger/domain';
import { ledgerCommand } from '@chip-ledger/domain';
import type { CommandResult } from '@chip-ledger/application';
import { LedgerCommandHandler } from '@chip-ledger/application';

export type DemoSize = { readonly racks: number; readonly serversPerRack: number; readonly chipsPerBoard: number };
export const DEFAULT_DEMO_SIZE: DemoSize = { racks: 32, serversPerRack: 8, chipsPerBoard: 8 };

export type DemoParty = { readonly partyId: string; readonly name: string; readonly roles: Role[]; readonly country: string };

export const DEMO_PARTIES: readonly DemoParty[] = [
  { partyId: 'formosa-semi', name: 'Formosa Semiconductor Assembly Co.', roles: ['manufacturer'], country: 'TW' },
  { partyId: 'skyfreight', name: 'SkyFreight Logistics', roles: ['carrier'], country: 'NL' },
  { partyId: 'de-customs', name: 'Generalzolldirektion (demo)', roles: ['customs'], country: 'DE' },
  { partyId: 'nimbus-cloud', name: 'Nimbus Cloud GmbH', roles: ['operator'], country: 'DE' },
  { partyId: 'atlas-compute', name: 'Atlas Compute LLC', roles: ['operator'], country: 'US' },
  { partyId: 'inspector', name: 'Compute Registry Investigations', roles: ['investigator'], country: 'CH' },
];

const FACILITIES = [
  { facilityId: 'tw-assembly', name: 'Formosa Taoyuan assembly', kind: 'assembly', country: 'TW', operatorId: 'formosa-semi' },
  { facilityId: 'dc-frankfurt', name: 'Nimbus Frankfurt DC2', kind: 'datacenter', country: 'DE', operatorId: 'nimbus-cloud' },
  { facilityId: 'dc-virginia', name: 'Atlas Ashburn VA1', kind: 'datacenter', country: 'US', operatorId: 'atlas-compute' },
  { facilityId: 'nl-recycler', name: 'Rotterdam e-waste recycling', kind: 'recycler', country: 'NL', operatorId: 'skyfreight' },
] as const;

const CHIP_MODELS = ['nvidia-h100-sxm', 'nvidia-h200', 'amd-mi300x', 'nvidia-b200'];

const pad = (n: number, width = 4) => String(n).padStart(width, '0');
const HOUR = 3_600_000;

export type DemoSummary = { readonly events: number; readonly commands: number; readonly chips: number; readonly racks: number };

/**
 * A realistic ledger: chips made and packed into boards, servers and racks in Taiwan, racks shipped to Germany and the
 * US through customs, received, owned by the buyer, installed, a few servers pulled and decommissioned, one chip
 * destroyed. Business times spread over the past weeks, so history "as of" a date tells a story.
 */
export const seedDemo = async (
  handler: LedgerCommandHandler,
  issueKey: (partyId: string) => Promise<string>,
  size: DemoSize = DEFAULT_DEMO_SIZE,
  now: () => Date = () => new Date(),
): Promise<{ summary: DemoSummary; keys: Record<string, string> }> => {
  const start = now().getTime() - 40 * 24 * HOUR;
  let commands = 0;
  let events = 0;
  const as = (partyId: string, roles: Role[]): Actor => ({ partyId, roles });
  const run = async <T extends LedgerCommandType>(type: T, data: CommandData<T>, actor: Actor, hoursIn: number): Promise<CommandResult> => {
    const recorded = now().toISOString();
    const occurredAt = new Date(Math.min(start + hoursIn * HOUR, now().getTime())).toISOString();
    const result = await handler.execute(ledgerCommand(type, data, { now: recorded, occurredAt, commandId: uuidv7(), actor }));
    commands++;
    events += result.events.length;
    return result;
  };
  const admin = as('system', ['admin']);
  for (const party of DEMO_PARTIES) await run('RegisterParty', party, admin, 0);
  for (const facility of FACILITIES) await run('RegisterFacility', facility, admin, 0);
  const keys: Record<string, string> = {};
  for (const party of DEMO_PARTIES) keys[party.partyId] = await issueKey(party.partyId);

  const maker = as('formosa-semi', ['manufacturer']);
  const customs = as('de-customs', ['customs']);
  let chipNo = 0;
  for (let r = 1; r <= size.racks; r++) {
    const rackId = `rack-${pad(r)}`;
    const model = CHIP_MODELS[r % CHIP_MODELS.length];
    const day = r * 18;
    await run('ManufactureAsset', { assetId: rackId, kind: 'rack', model: 'NVL-style 8-server rack', facilityId: 'tw-assembly' }, maker, day);
    const serverIds: string[] = [];
    for (let s = 1; s <= size.serversPerRack; s++) {
      const serverId = `srv-${pad(r)}-${s}`;
      const boardId = `board-${pad(r)}-${s}`;
      serverIds.push(serverId);
      await run('ManufactureAsset', { assetId: serverId, kind: 'server', model: 'HGX 8-GPU server', facilityId: 'tw-assembly' }, maker, day);
      await run('ManufactureAsset', { assetId: boardId, kind: 'board', model: 'HGX baseboard', facilityId: 'tw-assembly' }, maker, day);
      const chipIds: string[] = [];
      for (let c = 0; c < size.chipsPerBoard; c++) {
        const assetId = `gpu-${pad(++chipNo, 5)}`;
        chipIds.push(assetId);
        await run('ManufactureAsset', { assetId, kind: 'chip', model, serialNumber: `SN${pad(chipNo, 8)}`, facilityId: 'tw-assembly' }, maker, day);
      }
      await run('PackAssets', { parentId: boardId, childIds: chipIds }, maker, day + 24);
      await run('PackAssets', { parentId: serverId, childIds: [boardId] }, maker, day + 48);
    }
    await run('PackAssets', { parentId: rackId, childIds: serverIds }, maker, day + 72);

    const toUs = r % 4 === 0;
    const destination = toUs ? 'dc-virginia' : 'dc-frankfurt';
    const buyer = toUs ? as('atlas-compute', ['operator']) : as('nimbus-cloud', ['operator']);
    await run('ShipAsset', { assetId: rackId, toFacilityId: destination, carrierId: 'skyfreight', exportLicence: `BIS-L-2026-${pad(r)}`, shipmentRef: `AWB-${pad(r, 8)}` }, maker, day + 96);
    if (!toUs) {
      await run('HoldAtCustoms', { assetId: rackId, reason: 'Dual-use export documents check' }, customs, day + 144);
      await run('ClearCustoms', { assetId: rackId, releaseRef: `ATLAS-${pad(r, 6)}` }, customs, day + 168);
    }
    await run('ReceiveAsset', { assetId: rackId, facilityId: destination }, buyer, day + 192);
    await run('TransferOwnership', { assetId: rackId, toOwnerId: buyer.partyId, contractRef: `PO-${pad(r)}` }, maker, day + 192);
    await run('InstallAsset', { assetId: rackId, cluster: toUs ? 'iad-train-1' : 'fra-train-1', rack: `R${pad(r, 2)}` }, buyer, day + 216);
    if (r % 8 === 3) {
      // A server pulled from service for good: unpacked from its rack and decommissioned.
      const pulled = serverIds[0];
      await run('UnpackAssets', { parentId: rackId, childIds: [pulled] }, buyer, day + 240);
      await run('DecommissionAsset', { assetId: pulled, reason: 'Failed burn-in: repeated XID errors' }, buyer, day + 240);
    }
  }
  return { summary: { events, commands, chips: chipNo, racks: size.racks }, keys };
};
