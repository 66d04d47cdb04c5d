import type { LedgerCommand } from '@chip-ledger/domain';
import { CustodyError, ledgerDecider } from '@chip-ledger/domain';
import { StoreUnavailable } from '@chip-ledger/event-store';
import { LedgerCommandHandler } from '@chip-ledger/application';
import type { AppendFaultKind } from '../esdb/esdb-faults';
import type { OpenedStore } from './command-ledger';
import { CommandFactory, seedLedger } from './command-ledger';

/** A small deterministic PRNG (mulberry32): the same seed makes the same workload on every store. */
export const randomFrom = (seed: number) => {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  return { next, int, pick };
};

/**
 * A custody workload of `count` commands: chips, boards and servers made at the plant, packed and unpacked (units
 * with contents too), shipped to the datacenter and back, received, sold with their contents, installed, attested.
 * Chosen at random among plausible ones, so some are refused; the sequence depends only on the seed.
 */
export const generateWorkload = (count: number, seed: number): LedgerCommand[] => {
  const random = randomFrom(seed);
  const commands = new CommandFactory('w');
  const assets: { id: string; kind: 'chip' | 'board' | 'server' }[] = [];
  const out: LedgerCommand[] = [];
  const some = (n: number) => Array.from({ length: 1 + random.int(n) }, () => random.pick(assets).id);
  const containers = () => assets.filter((a) => a.kind !== 'chip');
  /** Recent packings, so that unpacking often names what is really inside. */
  const packings: { parentId: string; childIds: readonly string[] }[] = [];
  while (out.length < count) {
    const roll = random.next();
    if (assets.length < 6 || roll < 0.16) {
      const kind = random.pick(['chip', 'chip', 'chip', 'board', 'server'] as const);
      const id = `${kind}-${assets.length}`;
      assets.push({ id, kind });
      const model = kind === 'chip' ? 'nvidia-h100-sxm' : kind === 'board' ? 'HGX' : 'DGX';
      out.push(commands.make('maker', 'ManufactureAsset', { assetId: id, kind, model, facilityId: 'fab' }));
    } else if (roll < 0.42) {
      const packing = { parentId: random.pick(containers()).id, childIds: some(3) };
      packings.push(packing);
      out.push(commands.make(random.next() < 0.85 ? 'maker' : 'dcop', 'PackAssets', packing));
    } else if (roll < 0.55) {
      const recent = packings.length && random.next() < 0.7 ? packings.splice(random.int(packings.length), 1)[0] : null;
      const unpacking = recent ?? { parentId: random.pick(containers()).id, childIds: some(2) };
      out.push(commands.make(random.next() < 0.8 ? 'maker' : 'dcop', 'UnpackAssets', unpacking));
    } else if (roll < 0.66) {
      const there = random.next() < 0.6;
      out.push(commands.make(there ? 'maker' : 'dcop', 'ShipAsset', {
        assetId: random.pick(assets).id, toFacilityId: there ? 'dc' : 'fab', carrierId: 'carrier',
      }));
    } else if (roll < 0.77) {
      const at = random.next() < 0.6 ? 'dc' : 'fab';
      out.push(commands.make(at === 'dc' ? 'dcop' : 'maker', 'ReceiveAsset', { assetId: random.pick(assets).id, facilityId: at }));
    } else if (roll < 0.86) {
      const seller = random.pick(['maker', 'buyer']);
      out.push(commands.make(seller, 'TransferOwnership', { assetId: random.pick(assets).id, toOwnerId: seller === 'maker' ? 'buyer' : 'maker' }));
    } else if (roll < 0.93) {
      out.push(commands.make('dcop', 'InstallAsset', { assetId: random.pick(assets).id, cluster: 'c1' }));
    } else {
      out.push(commands.make(random.pick(['maker', 'dcop']), 'AttestLocation', {
        assetId: random.pick(assets).id, observedFacilityId: random.pick(['fab', 'dc']), method: 'rfid',
      }));
    }
  }
  return out;
};

export type WorkloadRun = {
  /** Per command: 'accepted' or the name of the error that refused it. */
  readonly outcomes: string[];
  /** Commands answered as accepted that wrote events, with their target streams. */
  readonly acknowledged: { readonly commandId: string; readonly stream: string }[];
  /** How many times a command was sent again after the store was unavailable (or the call failed otherwise). */
  readonly resends: number;
};

export type FaultPlan = { readonly every: number; readonly seed: number };

const FAULT_KINDS: readonly AppendFaultKind[] = ['not-ready', 'busy', 'commit-then-timeout'];

/**
 * Runs the workload through the command handler, as a client that sends a command again (same command id) while the
 * store answers "unavailable", until it is accepted or refused. With `faults`, about one command in `every` first
 * arms a fault on the test server for the appends of one of the streams it may write (or of any stream).
 */
export const runWorkload = async (opened: OpenedStore, workload: readonly LedgerCommand[], faults?: FaultPlan): Promise<WorkloadRun> => {
  const handler = new LedgerCommandHandler(opened.store);
  await seedLedger(handler, new CommandFactory('seed'));
  const random = randomFrom(faults?.seed ?? 1);
  const outcomes: string[] = [];
  const acknowledged: { commandId: string; stream: string }[] = [];
  let resends = 0;
  for (const command of workload) {
    if (faults && opened.server && random.int(faults.every) === 0) {
      const data = command.data as { childIds?: readonly string[] };
      const streams = [ledgerDecider.targetStream(command), ...(data.childIds ?? []).map((id) => `asset-${id}`)];
      opened.server.faults.failAppends(random.pick(FAULT_KINDS), {
        times: 1 + random.int(6), stream: random.next() < 0.8 ? random.pick(streams) : undefined,
      });
    }
    for (let sent = 1; ; sent++) {
      try {
        const result = await handler.execute(command);
        outcomes.push('accepted');
        // A command that found its effect already there (packing what is packed) writes nothing.
        if (result.events.length) acknowledged.push({ commandId: command.metadata.commandId, stream: ledgerDecider.targetStream(command) });
        break;
      } catch (error) {
        if (error instanceof CustodyError) {
          outcomes.push(error.constructor.name);
          break;
        }
        if (!(error instanceof StoreUnavailable) || sent >= 50) throw error;
        resends++;
      }
    }
    opened.server?.faults.clear();
  }
  return { outcomes, acknowledged, resends };
};
