import { v7 as uuidv7 } from 'uuid';
import type { LedgerCommand } from '@chip-ledger/domain';
import { ledgerCommand } from '@chip-ledger/domain';
import type { LedgerCommandHandler } from '@chip-ledger/application';
import type { HttpChip, LoadResult } from './http';
import { percentileOfSorted } from './stats';

export type InProcessLoadOptions = {
  readonly connections: number;
  readonly durationSec: number;
  readonly tag: string;
  readonly chips: readonly HttpChip[];
};

/**
 * The HTTP command load (bench/http-load-worker.js: a new chip, then an attestation, alternately) run on the serving
 * API's own command handler, `connections` commands in flight, for the same time: what those commands cost the ledger
 * without HTTP, with the same store, read side and group commit working beside them. HTTP commands ÷ this = the share
 * of the ledger's speed the HTTP layer leaves.
 */
export const runInProcessCommands = async (handler: LedgerCommandHandler, { connections, durationSec, tag, chips }: InProcessLoadOptions): Promise<LoadResult> => {
  let counter = 0;
  const nextCommand = (): LedgerCommand => {
    const n = counter++;
    const now = new Date().toISOString();
    if (n % 2 === 0) {
      return ledgerCommand(
        'ManufactureAsset',
        { assetId: `gpu-${tag}-${n}`, kind: 'chip', model: 'nvidia-h200', serialNumber: `SN-${tag}-${n}`, facilityId: 'tw-assembly' },
        { now, occurredAt: now, commandId: uuidv7(), actor: { partyId: 'formosa-semi', roles: ['manufacturer'] } },
      );
    }
    const chip = chips[(n >> 1) % chips.length];
    return ledgerCommand(
      'AttestLocation',
      { assetId: chip.id, observedFacilityId: chip.facility, method: 'chip-attestation' },
      { now, occurredAt: now, commandId: uuidv7(), actor: { partyId: chip.operator, roles: ['operator'] } },
    );
  };
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  const started = performance.now();
  const until = started + durationSec * 1000;
  const caller = async () => {
    while (performance.now() < until) {
      const command = nextCommand();
      const sentAt = performance.now();
      try {
        await handler.execute(command, {});
        ok++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - sentAt);
    }
  };
  await Promise.all(Array.from({ length: connections }, caller));
  const sorted = Float64Array.from(latencies).sort();
  return {
    duration: (performance.now() - started) / 1000, ok, non2xx: 0, errors, timeouts: 0, statusCodeStats: {},
    latency: {
      p50: percentileOfSorted(sorted, 50), p99: percentileOfSorted(sorted, 99),
      average: latencies.reduce((x, y) => x + y, 0) / (latencies.length || 1), max: sorted[sorted.length - 1] ?? 0,
    },
  };
};
