import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { LedgerCommandHandler } from '@chip-ledger/application';
import type { EventStore, SqliteSynchronous } from '@chip-ledger/event-store';
import { EVENT_STORE } from '@chip-ledger/event-store';
import { ProjectionRunner, latestLedgerPosition } from '@chip-ledger/projections';
import type { LedgerConfig } from '@chip-ledger/runtime';
import { issueApiKey } from '@chip-ledger/runtime';
import { createLedgerApp } from '../apps/api/src/configure-app';
import { runInProcessCommands } from './in-process-load';

/**
 * (5) The API as users run it (same module, pipes, guard, filters, body parser), listening on 127.0.0.1 on a random
 * port, in this process; the load comes from autocannon in a worker thread (bench/http-load-worker.js), so the server
 * and the load generator each have a core.
 */

export type LoadKind = 'trivial' | 'commands' | 'queries';
export type HttpChip = { readonly id: string; readonly operator: string; readonly facility: string };

export type LoadOptions = {
  readonly connections: number;
  readonly durationSec: number;
  /** Distinguishes the ids of assets made by this run's commands. */
  readonly tag: string;
  readonly chips: readonly HttpChip[];
  /** Requests per second over all connections (open loop); unset: as fast as the server answers (closed loop). */
  readonly overallRate?: number;
};

export type LoadResult = {
  readonly duration: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly statusCodeStats: Record<string, { count: number }>;
  readonly latency: { readonly p50: number; readonly p99: number; readonly average: number; readonly max: number };
};

export type RunningApi = {
  readonly url: string;
  readonly keys: Record<string, string>;
  load(kind: LoadKind, options: LoadOptions): Promise<LoadResult>;
  /** The `commands` load on this server's own command handler, without HTTP (bench/in-process-load.ts). */
  loadInProcess(options: LoadOptions): Promise<LoadResult>;
  /** Waits until the read models have every event written so far (the commands' projection work is done). */
  settle(): Promise<void>;
  close(): Promise<void>;
};

const WORKER = join(__dirname, 'http-load-worker.js');
const KEY_HOLDERS = ['formosa-semi', 'nimbus-cloud', 'atlas-compute', 'inspector'];

/**
 * Starts the API on the data directory (an embedded store and read models already there) and issues API keys.
 * `synchronous`: the embedded store's setting (default: the server's, FULL).
 */
export const startApi = async (dataDir: string, synchronous: SqliteSynchronous = 'FULL'): Promise<RunningApi> => {
  const config: LedgerConfig = {
    port: 0, dataDir, eventStoreConnectionString: undefined, eventStoreSynchronous: synchronous, readWaitMs: 5000, bodyLimit: '256kb',
    logLevel: 'info', metricsToken: undefined,
  };
  // Logged as in production (an access line per request, written asynchronously), into /dev/null rather than over the
  // benchmark's report.
  const app = await createLedgerApp(config, { logDestination: pino.destination({ dest: '/dev/null', sync: false }), logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const handler = app.get(LedgerCommandHandler);
  const runner = app.get(ProjectionRunner);
  const store = app.get<EventStore>(EVENT_STORE);
  const settle = async () => {
    const head = await latestLedgerPosition(store);
    if (head && !(await runner.waitForPosition(head, 120_000))) throw new Error('the read models did not catch up with the log');
  };
  const keys = await issueBenchKeys(handler);
  await settle();
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    keys,
    settle,
    load: (kind, options) => runLoad(url, keys, kind, options),
    loadInProcess: (options) => runInProcessCommands(handler, options),
    close: () => app.close(),
  };
};

/** API keys for the parties the load acts as, issued through the command path. */
export const issueBenchKeys = async (handler: LedgerCommandHandler): Promise<Record<string, string>> => {
  const keys: Record<string, string> = {};
  for (const partyId of KEY_HOLDERS) {
    keys[partyId] = (await issueApiKey(handler, partyId)).apiKey;
  }
  return keys;
};

/** Load from a worker thread (bench/http-load-worker.js). `amount`: exactly that many requests instead of a duration. */
export const runLoad = (url: string, keys: Record<string, string>, kind: LoadKind, options: LoadOptions & { readonly amount?: number }) =>
  new Promise<LoadResult>((resolve, reject) => {
    const { connections, durationSec, tag, chips, overallRate, amount } = options;
    const worker = new Worker(WORKER, { workerData: { url, connections, durationSec, kind, tag, keys, chips, overallRate, amount } });
    let settled = false;
    worker.once('message', (message: { result?: LoadResult; error?: string }) => {
      settled = true;
      if (message.result) resolve(message.result);
      else reject(new Error(`autocannon: ${message.error}`));
      void worker.terminate();
      });
      worker.once('error', (error) => {
        if (!settled) reject(error);
      });
      worker.once('exit', (code) => {
        if (!settled) reject(new Error(`the load worker exited with ${code} before reporting`));
      });
  });
