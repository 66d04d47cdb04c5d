import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openSqliteEventStore } from '@chip-ledger/event-store';
import type { DatasetPlan, DatasetSize } from './dataset';
import { assetIds, httpChips, planDataset, sizeOf } from './dataset';
import type { LoadResult, RunningApi } from './http';
import { startApi } from './http';
import type { Latencies, RebuildMemory, Throughput } from './in-process';
import {
  runBulkImport, runCommandPath, runPeerPointQueries, runPeerReadAll, runPointQueries, runRawAppend, runRawPointQueries,
  runRawReadAndParse, runRebuild, sampleIds, measureRebuildMemory, writeScaledHistory,
} from './in-process';
import { EmmettPeerStore } from './peer-emmett';
import type { SustainedWrites } from './sustained-writes';
import { runSustainedWrites } from './sustained-writes';
import type { BenchReport, HttpOnlyReport } from './report';
import { buildReport } from './report';
import { median } from './stats';

export type BenchOptions = {
  /** Fleet size (whole racks of 81 assets). */
  readonly assets?: number;
  /** Events in the history; above the fleet's lifecycle, location attestations fill the gap. */
  readonly events?: number;
  readonly reps: number;
  /** Seconds of load per HTTP measurement. */
  readonly httpSeconds: number;
  readonly connections: number;
  /** Point queries timed per repetition (the peer, reading and folding a stream each time, does a tenth). */
  readonly queries: number;
  /** The peer replays the script only up to about this many events (a prefix of the same data set). */
  readonly peerMaxEvents?: number;
  /** The memory check rebuilds a history this many times larger than the data set. */
  readonly memoryScale: number;
  /** Commands of the data set run again with synchronous=FULL (one sync per command: a prefix keeps it short). */
  readonly fullCommands: number;
  /** The serving API's RSS is read after this many HTTP commands, and after this many (cumulative). */
  readonly rssCommands: readonly [number, number];
  /** Where the JSON report goes. */
  readonly out: string;
  /** Scratch directory (a new temporary one by default), removed at the end unless `keep`. */
  readonly dir?: string;
  readonly keep?: boolean;
  readonly mode: 'default' | 'smoke' | 'large' | 'custom';
  /**
   * `http`: only what the HTTP figures need (the data set, the in-process command paths), then the HTTP section.
   * `rebuild`: only the rebuild against raw read-and-parse (runRebuildOnly).
   * `store`: only the command path and the bulk import against their raw appends (runStoreOnly).
   */
  readonly only?: 'http' | 'rebuild' | 'store';
  readonly progress?: (message: string) => void;
};

export const DEFAULTS = {
  default: {
    assets: 5000, events: 20_000, reps: 3, httpSeconds: 2.5, connections: 50, queries: 20_000, memoryScale: 10, fullCommands: 3000,
    rssCommands: [50_000, 150_000],
  },
  smoke: {
    assets: 162, events: 600, reps: 1, httpSeconds: 0.5, connections: 50, queries: 300, memoryScale: 2, fullCommands: 200,
    rssCommands: [200, 600],
  },
  large: {
    assets: 1_000_000, events: undefined, reps: 1, httpSeconds: 5, connections: 50, queries: 100_000, memoryScale: 2, peerMaxEvents: 200_000,
    fullCommands: 3000, rssCommands: [50_000, 150_000],
  },
} as const;

type Rep = {
  commandPath: Throughput;
  /** The command path on a store with synchronous=FULL (the server's default), on a prefix of the commands. */
  commandPathFull: Throughput;
  /** Raw single-event appends with synchronous=FULL, as many events as commandPathFull wrote. */
  rawSingleFull: Throughput;
  peerCommandPath: Throughput;
  /** The bulk import at NORMAL, as the raw batched reference and the peer run. */
  bulkImport: Throughput;
  /** The bulk import at FULL (the store's default), next to raw batched appends at FULL. */
  bulkImportFull: Throughput;
  rawBatchedFull: Throughput;
  rawSingle: Throughput;
  rawBatched: Throughput;
  peerBulk: Throughput;
  rebuild: Throughput;
  rawRead: Throughput;
  peerRead: Throughput;
  pointQuery: Latencies;
  rawPointQuery: Latencies;
  peerPointQuery: Latencies;
};

/** `queriesHalfLoad`: the same queries offered at half the rate the server reached on them, still over all connections. */
export type HttpRep = {
  trivial: LoadResult; commands: LoadResult; queries: LoadResult; queriesHalfLoad: LoadResult & { offeredRate: number };
  /** The `commands` load on the same server's command handler, in process: the ledger's speed on them without HTTP. */
  commandsInProcess: LoadResult;
  /** The same commands on a server with EVENT_STORE_SYNCHRONOUS=normal (`commands` runs on the default, FULL). */
  commandsNormal: LoadResult;
};

export type RawResults = {
  readonly plan: DatasetPlan;
  readonly size: DatasetSize;
  readonly peerEvents: number;
  readonly reps: Rep[];
  readonly http: HttpRep[];
  readonly memory: {
    readonly oneX: RebuildMemory; readonly scaled: RebuildMemory; readonly scale: number; readonly peakRssMb: number;
    readonly sustainedWrites: SustainedWrites;
  };
  readonly seconds: number;
};

const now = () => process.hrtime.bigint();

/** The whole benchmark: every figure, the table and the targets. */
export const runBench = async (options: Omit<BenchOptions, 'only'>): Promise<BenchReport> => (await runBenchParts(options)) as BenchReport;

/** With `only: 'http'`, the HTTP figures and the in-process command paths beside them (HttpOnlyReport). */
export const runBenchParts = async (options: BenchOptions): Promise<BenchReport | HttpOnlyReport> => {
  const httpOnly = options.only === 'http';
  const reps = httpOnly ? 1 : options.reps;
  const started = now();
  const say = (message: string) => options.progress?.(`[${(Number(now() - started) / 1e9).toFixed(1).padStart(6)}s] ${message}`);
  const plan = planDataset({ assets: options.assets, events: options.events });
  const size = sizeOf(plan);
  const workDir = options.dir ? (mkdirSync(options.dir, { recursive: true }), mkdtempSync(join(options.dir, 'run-'))) : mkdtempSync(join(tmpdir(), 'chip-ledger-bench-'));
  say(`data set: ${size.assets} assets (${size.racks} racks, ${size.chips} chips), ${size.commands} commands, ${size.events} events; ` +
    `${options.reps} repetition(s); scratch ${workDir}`);
  const peerEvents = Math.min(size.events, options.peerMaxEvents ?? size.events);
  const peerCommands = peerEvents >= size.events ? Number.POSITIVE_INFINITY : Math.ceil((size.commands * peerEvents) / size.events);
  const file = (name: string) => join(workDir, name);
  const source = file('ledger-1.sqlite');
  const ids = assetIds(plan);
  const queryIds = sampleIds(ids, options.queries);
  // The peer looks up assets it holds: with only a prefix of the script replayed, those of the racks it completed.
  const peerRacks = peerEvents >= size.events ? plan.racks : Math.max(1, Math.floor((plan.racks * peerEvents * 0.9) / size.lifecycleEvents));
  const peerQueryIds = sampleIds(peerRacks === plan.racks ? ids : assetIds({ ...plan, racks: peerRacks }), Math.max(10, Math.floor(options.queries / 10)), 7);

  let api: RunningApi | null = null;
  let inProcessPaths: { commandPath: Throughput; commandPathFull: Throughput } | null = null;
  try {
    const repResults: Rep[] = [];
    for (let r = 1; r <= reps; r++) {
      const rep = `rep ${r}/${reps}`;
      const ledgerFile = file(`ledger-${r}.sqlite`);
      say(`${rep}: ledger command path`);
      const store = openSqliteEventStore({ file: ledgerFile, synchronous: 'NORMAL' });
      const commandPath = await runCommandPath(store, plan).finally(() => store.close());
      if (commandPath.events !== size.events) throw new Error(`the command path wrote ${commandPath.events} events, the plan ${size.events}`);

      say(`${rep}: ledger command path with synchronous=FULL, first ${options.fullCommands} commands; raw at FULL`);
      const fullStore = openSqliteEventStore({ file: file('full.sqlite'), synchronous: 'FULL' });
      const commandPathFull = await runCommandPath(fullStore, plan, options.fullCommands).finally(() => fullStore.close());
      removeDb(file('full.sqlite'));
      if (httpOnly) {
        say(`${rep}: rebuild of every read model (the HTTP server's read models)`);
        await runRebuild(ledgerFile, file(`read-models-${r}.sqlite`));
        inProcessPaths = { commandPath, commandPathFull };
        continue;
      }
      const rawSingleFull = runRawAppend(file('raw-1-full.sqlite'), ledgerFile, 1, commandPathFull.events, 'FULL');
      removeDb(file('raw-1-full.sqlite'));

      say(`${rep}: peer (emmett-sqlite) command path${peerEvents < size.events ? `, first ${peerCommands} commands` : ''}`);
      const peerFile = file(`peer-${r}.sqlite`);
      const peer = await EmmettPeerStore.open(peerFile);
      let peerCommandPath: Throughput;
      let peerRead: Throughput;
      let peerPointQuery: Latencies;
      try {
        peerCommandPath = await runCommandPath(peer, plan, peerCommands);
        peerRead = await runPeerReadAll(peer);
        peerPointQuery = await runPeerPointQueries(peer, peerQueryIds);
      } finally {
        await peer.close();
      }

      say(`${rep}: bulk imports (ledger at NORMAL and FULL, raw 1 and ${100} per transaction, raw ${100} at FULL, peer)`);
      const bulkStore = openSqliteEventStore({ file: file('bulk.sqlite'), synchronous: 'NORMAL' });
      const bulkImport = await runBulkImport(bulkStore, source).finally(() => bulkStore.close());
      const rawSingle = runRawAppend(file('raw-1.sqlite'), source, 1);
      const rawBatched = runRawAppend(file('raw-100.sqlite'), source, 100);
      const bulkFullStore = openSqliteEventStore({ file: file('bulk-full.sqlite'), synchronous: 'FULL' });
      const bulkImportFull = await runBulkImport(bulkFullStore, source).finally(() => bulkFullStore.close());
      const rawBatchedFull = runRawAppend(file('raw-100-full.sqlite'), source, 100, undefined, 'FULL');
      const peerBulkStore = await EmmettPeerStore.open(file('peer-bulk.sqlite'));
      const peerBulk = await runBulkImport(peerBulkStore, source, peerEvents).finally(() => peerBulkStore.close());
      for (const name of ['bulk.sqlite', 'raw-1.sqlite', 'raw-100.sqlite', 'bulk-full.sqlite', 'raw-100-full.sqlite', 'peer-bulk.sqlite']) removeDb(file(name));

      say(`${rep}: rebuild of every read model, raw read-and-parse`);
      const readModels = file(`read-models-${r}.sqlite`);
      const rebuild = await runRebuild(ledgerFile, readModels);
      const rawRead = runRawReadAndParse(ledgerFile);

      say(`${rep}: point queries (ledger, raw, peer)`);
      const pointQuery = runPointQueries(readModels, queryIds);
      const rawPointQuery = runRawPointQueries(readModels, queryIds);
      repResults.push({
        commandPath, commandPathFull, rawSingleFull, peerCommandPath, bulkImport, bulkImportFull, rawBatchedFull, rawSingle, rawBatched, peerBulk, rebuild, rawRead, peerRead,
        pointQuery, rawPointQuery, peerPointQuery,
      });
      removeDb(peerFile);
      if (r > 1) {
        removeDb(ledgerFile);
        removeDb(readModels);
      }
    }

    say(`HTTP: starting the API on a copy of the data set`);
    const copyDataSet = (name: string) => {
      const dir = file(name);
      mkdirSync(dir);
      copyFileSync(source, join(dir, 'events.sqlite'));
      copyFileSync(file('read-models-1.sqlite'), join(dir, 'read-models.sqlite'));
      return dir;
    };
    const apiDir = copyDataSet('api');
    api = await startApi(apiDir);
    const chips = httpChips(plan);
    const load = (kind: 'trivial' | 'commands' | 'queries', tag: string, durationSec = options.httpSeconds, overallRate?: number) =>
      (api as RunningApi).load(kind, { connections: options.connections, durationSec, tag, chips, overallRate });
    say('HTTP: warm-up');
    const warmUp = Math.min(1, options.httpSeconds);
    for (const kind of ['trivial', 'commands', 'queries'] as const) {
      await load(kind, 'w', warmUp);
      await api.settle();
    }
    const http: HttpRep[] = [];
    for (let r = 1; r <= options.reps; r++) {
      say(`HTTP rep ${r}/${options.reps}: trivial endpoint, commands, queries, queries at half load (${options.connections} connections, ${options.httpSeconds} s each)`);
      const trivial = await load('trivial', `t${r}`);
      const commands = await load('commands', `r${r}`);
      await api.settle();
      const queries = await load('queries', `q${r}`);
      const offeredRate = Math.max(options.connections, Math.round(queries.ok / queries.duration / 2));
      const queriesHalfLoad = { ...(await load('queries', `h${r}`, options.httpSeconds, offeredRate)), offeredRate };
      const commandsInProcess = await api.loadInProcess({ connections: options.connections, durationSec: options.httpSeconds, tag: `i${r}`, chips });
      await api.settle();
      http.push({ trivial, commands, queries, queriesHalfLoad, commandsInProcess, commandsNormal: commands });
    }
    await api.close();
    api = null;

    say(`HTTP: the same commands on a server with EVENT_STORE_SYNCHRONOUS=normal`);
    api = await startApi(copyDataSet('api-normal'), 'NORMAL');
    await load('commands', 'nw', warmUp);
    for (let r = 1; r <= options.reps; r++) {
      http[r - 1].commandsNormal = await load('commands', `n${r}`);
      await api.settle();
    }
    await api.close();
    api = null;

    if (httpOnly) {
      const paths = inProcessPaths as unknown as { commandPath: Throughput; commandPathFull: Throughput };
      return { only: 'http', connections: options.connections, httpSeconds: options.httpSeconds, http, ...paths, seconds: Number(now() - started) / 1e9 };
    }

    const [firstRss, lastRss] = options.rssCommands;
    say(`memory: a serving API (own process) takes ${lastRss} HTTP commands; RSS after ${firstRss} and ${lastRss}`);
    const sustainedWrites = await runSustainedWrites({
      dataDir: copyDataSet('api-sustained'), checkpoints: [firstRss, lastRss], connections: options.connections, chips,
      progress: (message) => say(`memory: ${message}`),
    });

    say(`memory: rebuild of the data set, then of a history ${options.memoryScale}× larger`);
    const scaledFile = file('scaled.sqlite');
    writeScaledHistory(source, scaledFile, options.memoryScale);
    const oneX = await measureRebuildMemory(source, file('rss-1x.sqlite'));
    const scaled = await measureRebuildMemory(scaledFile, file('rss-scaled.sqlite'));
    const peakRssMb = process.resourceUsage().maxRSS / 1024;

    const raw: RawResults = {
      plan, size, peerEvents, reps: repResults, http, memory: { oneX, scaled, scale: options.memoryScale, peakRssMb, sustainedWrites },
      seconds: Number(now() - started) / 1e9,
    };
    const report = buildReport(raw, {
      mode: options.mode, connections: options.connections, httpSeconds: options.httpSeconds, queries: options.queries,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform}-${process.arch}` },
    });
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
    say(`done; JSON written to ${options.out}`);
    return report;
  } finally {
    if (api) await api.close().catch(() => undefined);
    if (!options.keep) rmSync(workDir, { recursive: true, force: true });
  }
};

const removeDb = (path: string) => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
};

/**
 * BENCH_ONLY=rebuild: the data set's command path (to have a log), then only (3), rebuild against raw read-and-parse,
 * `reps` times; prints the medians. For work on the read side on a shared machine, where the whole run is too long.
 */
export const runRebuildOnly = async (options: BenchOptions): Promise<string> => {
  const plan = planDataset({ assets: options.assets, events: options.events });
  const workDir = mkdtempSync(join(options.dir ?? tmpdir(), 'chip-ledger-bench-rebuild-'));
  try {
    const ledgerFile = join(workDir, 'ledger.sqlite');
    const store = openSqliteEventStore({ file: ledgerFile, synchronous: 'NORMAL' });
    await runCommandPath(store, plan).finally(() => store.close());
    const rebuild: number[] = [];
    const rawRead: number[] = [];
    for (let r = 1; r <= options.reps; r++) {
      const readModels = join(workDir, `read-models-${r}.sqlite`);
      const rebuilt = await runRebuild(ledgerFile, readModels);
      rebuild.push(rebuilt.events / rebuilt.seconds);
      const raw = runRawReadAndParse(ledgerFile);
      rawRead.push(raw.events / raw.seconds);
      removeDb(readModels);
      options.progress?.(`rep ${r}: rebuild ${Math.round(rebuild[r - 1])} events/s, raw read-and-parse ${Math.round(rawRead[r - 1])} events/s`);
    }
    const ledger = median(rebuild);
    const raw = median(rawRead);
    return `rebuild.ledger ${Math.round(ledger)} events/s, rebuild.rawReadAndParse ${Math.round(raw)} events/s: ${(ledger / raw).toFixed(2)}× (medians of ${options.reps})`;
  } finally {
    if (!options.keep) rmSync(workDir, { recursive: true, force: true });
  }
};

/**
 * BENCH_ONLY=store: only (1) the command path at NORMAL against raw single-event appends and (2) the bulk import at
 * NORMAL against raw batched appends, `reps` times, each next to its reference in the same repetition; prints the medians of
 * the ratios. For work on the store and the command path on a shared machine.
 */
export const runStoreOnly = async (options: BenchOptions): Promise<string> => {
  const plan = planDataset({ assets: options.assets, events: options.events });
  const workDir = mkdtempSync(join(options.dir ?? tmpdir(), 'chip-ledger-bench-store-'));
  const rate = (t: Throughput) => t.events / t.seconds;
  try {
    const commandPath: number[] = [];
    const bulk: number[] = [];
    for (let r = 1; r <= options.reps; r++) {
      const ledgerFile = join(workDir, `ledger-${r}.sqlite`);
      const store = openSqliteEventStore({ file: ledgerFile, synchronous: 'NORMAL' });
      const ledger = rate(await runCommandPath(store, plan).finally(() => store.close()));
      const rawSingle = rate(runRawAppend(join(workDir, 'raw-1.sqlite'), ledgerFile, 1));
      const bulkStore = openSqliteEventStore({ file: join(workDir, 'bulk.sqlite'), synchronous: 'NORMAL' });
      const bulkImport = rate(await runBulkImport(bulkStore, ledgerFile).finally(() => bulkStore.close()));
      const rawBatched = rate(runRawAppend(join(workDir, 'raw-100.sqlite'), ledgerFile, 100));
      for (const name of [`ledger-${r}.sqlite`, 'raw-1.sqlite', 'bulk.sqlite', 'raw-100.sqlite']) removeDb(join(workDir, name));
      commandPath.push(ledger / rawSingle);
      bulk.push(bulkImport / rawBatched);
      options.progress?.(`rep ${r}: command path ${Math.round(ledger)} vs raw single ${Math.round(rawSingle)} events/s (${(ledger / rawSingle).toFixed(2)}×); ` +
        `bulk import ${Math.round(bulkImport)} vs raw batched ${Math.round(rawBatched)} events/s (${(bulkImport / rawBatched).toFixed(2)}×)`);
    }
    return `command path vs raw single-event append ${median(commandPath).toFixed(2)}×, bulk import vs raw batched ${median(bulk).toFixed(2)}× (medians of ${options.reps})`;
  } finally {
    if (!options.keep) rmSync(workDir, { recursive: true, force: true });
  }
};
