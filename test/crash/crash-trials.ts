import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from '@chip-ledger/event-store';
import { ProjectionRunner, ReadModelDirectory, openReadModelDb } from '@chip-ledger/projections';
import { dumpReadModels } from '../../libs/projections/src/testing/read-side-fixture';
import type { ServerProcess } from '../support/server-process';
import { startServerProcess } from '../support/server-process';

/**
 * Crash trials: the real server (its own process, the default durability settings) takes concurrent writes from
 * several clients; at a random moment it is killed with SIGKILL; it is started again on the same files. Then every
 * write it acknowledged (201) must be in the log and visible in the read models, and the read models must equal a
 * rebuild of the log from scratch. Writes: chips registered one by one, and boards packed with the client's last three
 * chips (one command writing four streams atomically).
 */

export type CrashTrialOptions = {
  readonly trials: number;
  /** Concurrent ingest clients. */
  readonly clients: number;
  /** The kill comes at a random moment in [minRunMs, maxRunMs] after ingest starts. */
  readonly minRunMs: number;
  readonly maxRunMs: number;
  readonly log?: (message: string) => void;
};

export type CrashTrialResult = {
  readonly trial: number;
  readonly killedAfterMs: number;
  readonly acknowledged: number;
  /** Acknowledged commands whose events are not in the log after the restart (must be empty). */
  readonly lostFromLog: readonly string[];
  /** Acknowledged writes the restarted server's read models do not show (must be empty). */
  readonly notInReadModels: readonly string[];
  /** Read-model tables that differ from a rebuild of the log (must be empty). */
  readonly differsFromRebuild: readonly string[];
};

type Acknowledged = { readonly commandId: string; readonly position: string; readonly assetId: string; readonly parentId: string | null };

const json = (key: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${key}` });

const post = async (url: string, key: string, body: object): Promise<{ status: number; body: Record<string, unknown> }> => {
  const response = await fetch(url, { method: 'POST', headers: json(key), body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

const must = async (url: string, key: string, body: object): Promise<Record<string, unknown>> => {
  const response = await post(url, key, body);
  if (response.status !== 201) throw new Error(`POST ${url} answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
};

/** Registers the manufacturer and its plant with the admin key; returns the manufacturer's key. */
const prepare = async (server: ServerProcess, adminKey: string): Promise<string> => {
  await must(`${server.url}/parties`, adminKey, { partyId: 'maker', name: 'Maker Inc.', roles: ['manufacturer'], country: 'TW' });
  const issued = await must(`${server.url}/parties/maker/api-keys`, adminKey, {});
  await must(`${server.url}/facilities`, adminKey, { facilityId: 'fab', name: 'Fab', kind: 'assembly', country: 'TW', operatorId: 'maker' });
  return issued.apiKey as string;
};

/** One client: registers chips, and packs every three into a new board, until the server stops answering. */
const ingest = async (server: ServerProcess, key: string, client: number, acknowledged: Acknowledged[]): Promise<void> => {
  const record = (body: Record<string, unknown>, assetId: string, parentId: string | null) =>
    acknowledged.push({ commandId: body.commandId as string, position: body.position as string, assetId, parentId });
  try {
    for (let n = 0; ; n++) {
      const chips = [0, 1, 2].map((k) => `chip-${client}-${n}-${k}`);
      for (const chip of chips) {
        const answer = await post(`${server.url}/assets`, key, { assetId: chip, kind: 'chip', model: 'nvidia-h100-sxm', facilityId: 'fab' });
        if (answer.status !== 201) throw new Error(`registering ${chip} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
        record(answer.body, chip, null);
      }
      const board = `board-${client}-${n}`;
      const registered = await post(`${server.url}/assets`, key, { assetId: board, kind: 'board', model: 'HGX baseboard', facilityId: 'fab' });
      if (registered.status !== 201) throw new Error(`registering ${board} answered ${registered.status}`);
      record(registered.body, board, null);
      const packed = await post(`${server.url}/assets/${board}/packing`, key, { childIds: chips });
      if (packed.status !== 201) throw new Error(`packing ${board} answered ${packed.status}: ${JSON.stringify(packed.body)}`);
      for (const chip of chips) record(packed.body, chip, board);
    }
  } catch (error) {
    // The kill: the connection is refused or reset. Anything else is a failure of the trial.
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? '';
    if (!(error instanceof TypeError) && !/ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET/.test(cause)) throw error;
  }
};

const commandIdsInLog = (file: string): Set<string> => {
  const db = new Database(file, { readonly: true });
  try {
    return new Set(db.prepare<[], string>("SELECT json_extract(metadata, '$.commandId') FROM events").pluck().all());
  } finally {
    db.close();
  }
};

/** The read-model tables whose rows differ from a rebuild of the log into a fresh file. */
const differencesFromRebuild = async (dataDir: string, scratch: string): Promise<string[]> => {
  const store = openSqliteEventStore({ file: join(dataDir, 'events.sqlite') });
  const served = openReadModelDb(new ReadModelDirectory(dataDir).current());
  const rebuilt = openReadModelDb(join(scratch, 'rebuilt.sqlite'));
  try {
    await new ProjectionRunner(store, rebuilt).rebuild();
    const [a, b] = [dumpReadModels(served), dumpReadModels(rebuilt)];
    return Object.keys(b).filter((table) => JSON.stringify(a[table]) !== JSON.stringify(b[table]));
  } finally {
    await store.close();
    served.close();
    rebuilt.close();
  }
};

const trial = async (index: number, options: CrashTrialOptions): Promise<CrashTrialResult> => {
  const dir = mkdtempSync(join(tmpdir(), 'chip-ledger-crash-'));
  const dataDir = join(dir, 'data');
  let server: ServerProcess | null = null;
  try {
    server = await startServerProcess({ dataDir });
    const adminKey = (await server.waitForOutput(/ADMIN API KEY: (cl_\S+)/))[1];
    const key = await prepare(server, adminKey);

    const acknowledged: Acknowledged[] = [];
    const running = server;
    const clients = Array.from({ length: options.clients }, (_, client) => ingest(running, key, client, acknowledged));
    const killedAfterMs = Math.round(options.minRunMs + Math.random() * (options.maxRunMs - options.minRunMs));
    await new Promise((resolve) => setTimeout(resolve, killedAfterMs));
    await server.kill();
    await Promise.all(clients);
    options.log?.(`trial ${index}: killed after ${killedAfterMs} ms with ${acknowledged.length} acknowledged writes; restarting`);

    server = await startServerProcess({ dataDir });
    const inLog = commandIdsInLog(join(dataDir, 'events.sqlite'));
    const lostFromLog = [...new Set(acknowledged.map((a) => a.commandId).filter((id) => !inLog.has(id)))];
    const notInReadModels: string[] = [];
    for (const write of acknowledged) {
      const response = await fetch(`${server.url}/assets/${write.assetId}?position=${encodeURIComponent(write.position)}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      const body = (await response.json()) as { parentId?: string | null };
      // A chip packed later shows its board; the write is visible if the asset exists and (for a packing) is inside it.
      if (response.status !== 200 || (write.parentId !== null && body.parentId !== write.parentId)) {
        notInReadModels.push(`${write.assetId} (${response.status}, parent ${String(body.parentId)})`);
      }
    }
    await server.stop();
    server = null;
    const differsFromRebuild = await differencesFromRebuild(dataDir, dir);
    return { trial: index, killedAfterMs, acknowledged: acknowledged.length, lostFromLog, notInReadModels, differsFromRebuild };
  } finally {
    await server?.kill();
    rmSync(dir, { recursive: true, force: true });
  }
};

export const runCrashTrials = async (options: CrashTrialOptions): Promise<CrashTrialResult[]> => {
  const results: CrashTrialResult[] = [];
  for (let i = 1; i <= options.trials; i++) {
    const result = await trial(i, options);
    options.log?.(`trial ${i}: ${result.acknowledged} acknowledged, ${result.lostFromLog.length} lost from the log, ` +
      `${result.notInReadModels.length} missing from the read models, tables differing from a rebuild: ${result.differsFromRebuild.join(', ') || 'none'}`);
    results.push(result);
  }
  return results;
};
