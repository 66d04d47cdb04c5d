import { LedgerCommandHandler } from '@chip-ledger/application';
import type { SqliteSynchronous } from '@chip-ledger/event-store';
import { openSqliteEventStore } from '@chip-ledger/event-store';
import { join } from 'node:path';
import type { ServerProcess } from '../test/support/server-process';
import { startServerProcess } from '../test/support/server-process';
import type { HttpChip } from './http';
import { issueBenchKeys, runLoad } from './http';

/**
 * (7) Memory of a serving API under sustained writes: the server as users run it, in its own process (so its RSS is
 * its own, not the benchmark's), takes commands over HTTP (the HTTP command mix: new chips and attestations) until
 * each checkpoint; once the read side has caught up, its RSS is read. Flat memory: the last figure stays within
 * 1.25× the first.
 */

export type RssCheckpoint = { readonly commands: number; readonly rssMb: number; readonly seconds: number };
export type SustainedWrites = { readonly checkpoints: readonly RssCheckpoint[]; readonly failed: number; readonly seconds: number };

export type SustainedWritesOptions = {
  /** A data directory holding the data set (events.sqlite and read-models.sqlite); the run writes to it. */
  readonly dataDir: string;
  /** Commands sent before each RSS reading, cumulative, ascending. */
  readonly checkpoints: readonly number[];
  readonly connections: number;
  readonly chips: readonly HttpChip[];
  readonly synchronous?: SqliteSynchronous;
  /** Node options for the server process (e.g. --heapsnapshot-signal=SIGUSR2 to look into its memory). */
  readonly nodeArgs?: readonly string[];
  /** Called at each checkpoint, after the RSS is read, with the server (its pid, its output). */
  readonly atCheckpoint?: (server: ServerProcess, checkpoint: RssCheckpoint) => Promise<void> | void;
  readonly progress?: (message: string) => void;
};

const caughtUp = async (url: string): Promise<boolean> => {
  const health = (await (await fetch(`${url}/health`)).json()) as { projections?: { caughtUp?: boolean | null } };
  return health.projections?.caughtUp === true;
};

export const runSustainedWrites = async (options: SustainedWritesOptions): Promise<SustainedWrites> => {
  const store = openSqliteEventStore({ file: join(options.dataDir, 'events.sqlite') });
  const keys = await issueBenchKeys(new LedgerCommandHandler(store)).finally(() => store.close());
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  const server = await startServerProcess({
    dataDir: options.dataDir, env: { EVENT_STORE_SYNCHRONOUS: options.synchronous ?? 'full', READ_WAIT_MS: '30000' },
    nodeArgs: options.nodeArgs,
  });
  try {
    const checkpoints: RssCheckpoint[] = [];
    let sent = 0;
    let failed = 0;
    for (const [i, target] of options.checkpoints.entries()) {
      const result = await runLoad(server.url, keys, 'commands', {
        connections: options.connections, durationSec: 1, tag: `m${i}`, chips: options.chips, amount: target - sent,
      });
      failed += result.non2xx + result.errors + result.timeouts;
      sent = target;
      for (let waited = 0; !(await caughtUp(server.url)); waited++) {
        if (waited > 1200) throw new Error('the read side did not catch up within 2 minutes');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      checkpoints.push({ commands: target, rssMb: server.rssMb(), seconds: elapsed() });
      await options.atCheckpoint?.(server, checkpoints[checkpoints.length - 1]);
      options.progress?.(`${target} commands: RSS ${checkpoints[checkpoints.length - 1].rssMb.toFixed(0)} MB after ${elapsed().toFixed(0)} s`);
    }
    return { checkpoints, failed, seconds: elapsed() };
  } finally {
    await server.stop();
  }
};
