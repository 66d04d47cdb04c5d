import { v5 as uuidv5 } from 'uuid';
import type { Actor, CommandData, LedgerCommand, LedgerCommandType, Role } from '@chip-ledger/domain';
import { ledgerCommand } from '@chip-ledger/domain';

/**
 * The benchmark's data set, as the commands that produce it (events come out of the real command handler, never as
 * fake blobs). The shape generalises apps/cli/src/demo-seed.ts: racks of servers, one baseboard of chips per server,
 * made and packed in Taiwan, shipped to Frankfurt (held and cleared by German customs) or Virginia, received, sold to
 * the operator with their contents, installed; every eighth rack has a server pulled and decommissioned. When more
 * events are asked for than that lifecycle writes, the rest are routine chip location attestations by the datacenter
 * operators (the periodic "where is this chip" check a registry runs), spread over the fleet.
 *
 * Deterministic: the same plan yields the same commands (ids, times), so every store under test replays the same
 * script and writes the same events.
 */

export type FleetShape = { readonly serversPerRack: number; readonly chipsPerBoard: number };
export const DEFAULT_SHAPE: FleetShape = { serversPerRack: 8, chipsPerBoard: 8 };

export type DatasetPlan = {
  readonly shape: FleetShape;
  readonly racks: number;
  /** Chip location attestations after the fleet's lifecycle, to reach the requested number of events. */
  readonly attestations: number;
  /** Ledger time of the first command (ms since the epoch); each command is 1 ms later. */
  readonly startMs: number;
  readonly seed: string;
};

export type DatasetSize = {
  readonly assets: number;
  /** Events the data set writes (lifecycle plus attestations). */
  readonly events: number;
  readonly commands: number;
  readonly lifecycleEvents: number;
  readonly racks: number;
  readonly chips: number;
};

const ADMIN: Actor = { partyId: 'system', roles: ['admin'] };
const as = (partyId: string, ...roles: Role[]): Actor => ({ partyId, roles });
const MAKER = as('formosa-semi', 'manufacturer');
const DE_CUSTOMS = as('de-customs', 'customs');

export const BENCH_PARTIES = [
  { partyId: 'formosa-semi', name: 'Formosa Semiconductor Assembly Co.', roles: ['manufacturer'], country: 'TW' },
  { partyId: 'skyfreight', name: 'SkyFreight Logistics', roles: ['carrier'], country: 'NL' },
  { partyId: 'de-customs', name: 'Generalzolldirektion (bench)', roles: ['customs'], country: 'DE' },
  { partyId: 'nimbus-cloud', name: 'Nimbus Cloud GmbH', roles: ['operator'], country: 'DE' },
  { partyId: 'atlas-compute', name: 'Atlas Compute LLC', roles: ['operator'], country: 'US' },
  { partyId: 'inspector', name: 'Compute Registry Investigations', roles: ['investigator'], country: 'CH' },
] as const;

const FACILITIES = [
  { facilityId: 'tw-assembly', name: 'Formosa Taoyuan assembly', kind: 'assembly', country: 'TW', operatorId: 'formosa-semi' },
  { facilityId: 'dc-frankfurt', name: 'Nimbus Frankfurt DC2', kind: 'datacenter', country: 'DE', operatorId: 'nimbus-cloud' },
  { facilityId: 'dc-virginia', name: 'Atlas Ashburn VA1', kind: 'datacenter', country: 'US', operatorId: 'atlas-compute' },
  { facilityId: 'nl-recycler', name: 'Rotterdam e-waste recycling', kind: 'recycler', country: 'NL', operatorId: 'skyfreight' },
] as const;

const CHIP_MODELS = ['nvidia-h100-sxm', 'nvidia-h200', 'amd-mi300x', 'nvidia-b200'];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Business time covered by the data set, ending at the first command's ledger time. */
const HISTORY_DAYS = 365;
const NAMESPACE = '6a0c8f4e-2b7d-4c51-9e3a-0d4f7b1c2e58';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export const rackId = (r: number) => `rack-${pad(r, 6)}`;
export const serverId = (r: number, s: number) => `srv-${pad(r, 6)}-${s}`;
export const boardId = (r: number, s: number) => `board-${pad(r, 6)}-${s}`;
export const chipId = (plan: Pick<DatasetPlan, 'shape'>, r: number, s: number, c: number) =>
  `gpu-${pad((r - 1) * plan.shape.serversPerRack * plan.shape.chipsPerBoard + (s - 1) * plan.shape.chipsPerBoard + c, 8)}`;

/** Racks bound for the US go to Virginia without a customs stop; the others to Frankfurt through German customs. */
export const rackGoesToUs = (r: number) => r % 4 === 0;
const pullsAServer = (r: number) => r % 8 === 3;
export const destinationOf = (r: number) => (rackGoesToUs(r) ? 'dc-virginia' : 'dc-frankfurt');
export const operatorOf = (r: number) => (rackGoesToUs(r) ? 'atlas-compute' : 'nimbus-cloud');

export const assetsPerRack = ({ serversPerRack: s, chipsPerBoard: c }: FleetShape) => 1 + 2 * s + s * c;

const SETUP_COMMANDS = BENCH_PARTIES.length + FACILITIES.length;
const SETUP_EVENTS = SETUP_COMMANDS;

const rackEvents = (shape: FleetShape, r: number): number => {
  const { serversPerRack: s, chipsPerBoard: c } = shape;
  const assets = assetsPerRack(shape);
  return assets /* manufactured */ + s * (1 + c) /* boards packed */ + s * 2 /* servers packed */ + (1 + s) /* rack packed */
    + 1 /* shipped */ + (rackGoesToUs(r) ? 0 : 2) /* held, cleared */ + 1 /* received */ + assets /* sold with contents */
    + 1 /* installed */ + (pullsAServer(r) && s > 1 ? 3 : 0) /* unpacked (2 events), decommissioned */;
};

const rackCommands = (shape: FleetShape, r: number): number => {
  const { serversPerRack: s } = shape;
  return assetsPerRack(shape) + 2 * s + 1 + 1 + (rackGoesToUs(r) ? 0 : 2) + 1 + 1 + 1 + (pullsAServer(r) && s > 1 ? 2 : 0);
};

const lifecycleOf = (shape: FleetShape, racks: number) => {
  let events = SETUP_EVENTS;
  let commands = SETUP_COMMANDS;
  for (let r = 1; r <= racks; r++) {
    events += rackEvents(shape, r);
    commands += rackCommands(shape, r);
  }
  return { events, commands };
};

/**
 * `assets` sizes the fleet (whole racks); `events` the history: attestations fill the gap above the lifecycle. With
 * only `events`, the fleet is sized so its lifecycle alone comes close to it.
 */
export const planDataset = (
  request: { readonly assets?: number; readonly events?: number },
  options: { readonly shape?: FleetShape; readonly startMs?: number; readonly seed?: string } = {},
): DatasetPlan => {
  const shape = options.shape ?? DEFAULT_SHAPE;
  const perRack = assetsPerRack(shape);
  let racks: number;
  if (request.assets !== undefined) {
    racks = Math.max(1, Math.round(request.assets / perRack));
  } else if (request.events !== undefined) {
    racks = 1;
    while (lifecycleOf(shape, racks + 1).events <= request.events) racks++;
  } else {
    throw new Error('planDataset needs assets or events');
  }
  const lifecycle = lifecycleOf(shape, racks).events;
  if (request.events !== undefined && request.assets !== undefined && request.events < lifecycle) {
    throw new Error(`${racks} racks (${racks * perRack} assets) write ${lifecycle} events in their lifecycle: ask for at least that many events, or fewer assets`);
  }
  const attestations = request.events === undefined ? 0 : Math.max(0, request.events - lifecycle);
  return { shape, racks, attestations, startMs: options.startMs ?? Date.now(), seed: options.seed ?? 'chip-ledger-bench' };
};

export const sizeOf = (plan: DatasetPlan): DatasetSize => {
  const lifecycle = lifecycleOf(plan.shape, plan.racks);
  return {
    assets: plan.racks * assetsPerRack(plan.shape),
    events: lifecycle.events + plan.attestations,
    commands: lifecycle.commands + plan.attestations,
    lifecycleEvents: lifecycle.events,
    racks: plan.racks,
    chips: plan.racks * plan.shape.serversPerRack * plan.shape.chipsPerBoard,
  };
};

/** Every command of the data set, in order, built lazily (a 1M-asset plan never sits in memory). */
export function* datasetCommands(plan: DatasetPlan): Generator<LedgerCommand> {
  const { serversPerRack, chipsPerBoard } = plan.shape;
  let index = 0;
  const historyStart = plan.startMs - HISTORY_DAYS * DAY;
  const rackSpacing = ((HISTORY_DAYS - 30) * DAY) / Math.max(1, plan.racks);
  const command = <T extends LedgerCommandType>(type: T, data: CommandData<T>, actor: Actor, occurredMs: number): LedgerCommand => {
    const now = plan.startMs + index;
    const commandId = uuidv5(`${plan.seed}:${index++}`, NAMESPACE);
    return ledgerCommand(type, data, {
      now: new Date(now).toISOString(), occurredAt: new Date(Math.min(occurredMs, now)).toISOString(), commandId, actor,
    });
  };

  for (const party of BENCH_PARTIES) yield command('RegisterParty', { ...party, roles: [...party.roles] }, ADMIN, historyStart);
  for (const facility of FACILITIES) yield command('RegisterFacility', facility, ADMIN, historyStart);

  for (let r = 1; r <= plan.racks; r++) {
    const t0 = historyStart + Math.floor((r - 1) * rackSpacing);
    const at = (hours: number) => t0 + hours * HOUR;
    const rack = rackId(r);
    const model = CHIP_MODELS[r % CHIP_MODELS.length];
    yield command('ManufactureAsset', { assetId: rack, kind: 'rack', model: 'NVL-style rack', facilityId: 'tw-assembly' }, MAKER, at(0));
    const servers: string[] = [];
    for (let s = 1; s <= serversPerRack; s++) {
      const server = serverId(r, s);
      const board = boardId(r, s);
      servers.push(server);
      yield command('ManufactureAsset', { assetId: server, kind: 'server', model: 'HGX 8-GPU server', facilityId: 'tw-assembly' }, MAKER, at(1));
      yield command('ManufactureAsset', { assetId: board, kind: 'board', model: 'HGX baseboard', facilityId: 'tw-assembly' }, MAKER, at(1));
      const chips: string[] = [];
      for (let c = 1; c <= chipsPerBoard; c++) {
        const chip = chipId(plan, r, s, c);
        chips.push(chip);
        yield command('ManufactureAsset', {
          assetId: chip, kind: 'chip', model, serialNumber: `SN${chip.slice(4)}`, facilityId: 'tw-assembly',
        }, MAKER, at(1));
      }
      yield command('PackAssets', { parentId: board, childIds: chips }, MAKER, at(24));
      yield command('PackAssets', { parentId: server, childIds: [board] }, MAKER, at(48));
    }
    yield command('PackAssets', { parentId: rack, childIds: servers }, MAKER, at(72));

    const toUs = rackGoesToUs(r);
    const destination = destinationOf(r);
    const buyer = as(operatorOf(r), 'operator');
    yield command('ShipAsset', {
      assetId: rack, toFacilityId: destination, carrierId: 'skyfreight', exportLicence: `BIS-L-${pad(r, 6)}`, shipmentRef: `AWB-${pad(r, 8)}`,
    }, MAKER, at(96));
    if (!toUs) {
      yield command('HoldAtCustoms', { assetId: rack, reason: 'Dual-use export documents check' }, DE_CUSTOMS, at(144));
      yield command('ClearCustoms', { assetId: rack, releaseRef: `ATLAS-${pad(r, 8)}` }, DE_CUSTOMS, at(168));
    }
    yield command('ReceiveAsset', { assetId: rack, facilityId: destination }, buyer, at(192));
    yield command('TransferOwnership', { assetId: rack, toOwnerId: buyer.partyId, contractRef: `PO-${pad(r, 6)}` }, MAKER, at(192));
    yield command('InstallAsset', { assetId: rack, cluster: toUs ? 'iad-train-1' : 'fra-train-1', rack: `R${pad(r, 5)}` }, buyer, at(216));
    if (pullsAServer(r) && serversPerRack > 1) {
      yield command('UnpackAssets', { parentId: rack, childIds: [servers[0]] }, buyer, at(240));
      yield command('DecommissionAsset', { assetId: servers[0], reason: 'Failed burn-in: repeated XID errors' }, buyer, at(240));
    }
  }

  // Routine location checks after deployment, round-robin over every chip, in the last weeks of the history.
  const chipsPerRack = serversPerRack * chipsPerBoard;
  const sweepStart = plan.startMs - 20 * DAY;
  const sweepSpacing = (19 * DAY) / Math.max(1, plan.attestations);
  for (let a = 0; a < plan.attestations; a++) {
    const k = a % (plan.racks * chipsPerRack);
    const r = (k % plan.racks) + 1;
    const within = Math.floor(k / plan.racks);
    const s = Math.floor(within / chipsPerBoard) + 1;
    const c = (within % chipsPerBoard) + 1;
    yield command('AttestLocation', {
      assetId: chipId(plan, r, s, c), observedFacilityId: destinationOf(r), method: 'chip-attestation',
    }, as(operatorOf(r), 'operator'), sweepStart + Math.floor(a * sweepSpacing));
  }
}

/** Pulls up to `size` items at a time, so building inputs stays outside the timed part of a measurement. */
export function* chunks<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let chunk: T[] = [];
  for (const item of items) {
    chunk.push(item);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length) yield chunk;
}

/** Every asset id of the fleet: racks, servers, boards and chips. */
export const assetIds = (plan: Pick<DatasetPlan, 'shape' | 'racks'>): string[] => {
  const ids: string[] = [];
  for (let r = 1; r <= plan.racks; r++) {
    ids.push(rackId(r));
    for (let s = 1; s <= plan.shape.serversPerRack; s++) {
      ids.push(serverId(r, s), boardId(r, s));
      for (let c = 1; c <= plan.shape.chipsPerBoard; c++) ids.push(chipId(plan, r, s, c));
    }
  }
  return ids;
};

/** Installed chips for the HTTP load, with the operator who may attest them and where they are; spread over the fleet. */
export const httpChips = (plan: Pick<DatasetPlan, 'shape' | 'racks'>, max = 20_000) => {
  const { serversPerRack, chipsPerBoard } = plan.shape;
  const total = plan.racks * serversPerRack * chipsPerBoard;
  const step = Math.max(1, Math.floor(total / max));
  const chips: { id: string; operator: string; facility: string }[] = [];
  for (let k = 0; k < total && chips.length < max; k += step) {
    // Rack-major interleaving: consecutive picks land in different racks.
    const r = (k % plan.racks) + 1;
    const within = Math.floor(k / plan.racks);
    const s = Math.floor(within / chipsPerBoard) + 1;
    const c = (within % chipsPerBoard) + 1;
    chips.push({ id: chipId(plan, r, s, c), operator: operatorOf(r), facility: destinationOf(r) });
  }
  return chips;
};
