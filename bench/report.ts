import type { LoadResult } from './http';
import type { Latencies, Throughput } from './in-process';
import type { RawResults } from './run-bench';
import { median } from './stats';

/** Repetition values and their median. */
export type Series = { readonly median: number; readonly reps: readonly number[] };

export type Row = {
  readonly measure: string;
  readonly unit: string;
  readonly ledger: number;
  /** The limit this figure is held against (raw better-sqlite3, or the server's trivial endpoint). */
  readonly reference: { readonly name: string; readonly value: number } | null;
  /** Ledger speed ÷ reference speed (for latencies: reference latency ÷ ledger latency). 1 = as fast. */
  readonly vsReference: number | null;
  readonly peer: { readonly name: string; readonly value: number } | null;
  readonly vsPeer: number | null;
  readonly target: string | null;
  readonly met: boolean | null;
};

export type BenchReport = {
  readonly schema: 1;
  readonly generatedAt: string;
  readonly mode: string;
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly node: string; readonly platform: string };
  readonly parameters: Record<string, number | string>;
  readonly figures: Record<string, unknown>;
  readonly rows: readonly Row[];
  readonly targets: readonly { readonly name: string; readonly value: number; readonly target: string; readonly met: boolean }[];
  readonly durationSec: number;
};

/** `BENCH_ONLY=http`: the HTTP figures, and the in-process command paths they are held against, from one run. */
export type HttpOnlyReport = {
  readonly only: 'http';
  readonly connections: number;
  readonly httpSeconds: number;
  readonly http: RawResults['http'];
  readonly commandPath: Throughput;
  readonly commandPathFull: Throughput;
  readonly seconds: number;
};

const series = (values: readonly number[]): Series => ({ median: median(values), reps: values });
const rate = (t: Throughput) => t.events / t.seconds;
const commandRate = (t: Throughput) => (t.commands ?? 0) / t.seconds;
const reqRate = (r: LoadResult) => r.ok / r.duration;

const overReps = (http: RawResults['http'], pick: (rep: RawResults['http'][number]) => LoadResult, f: (r: LoadResult) => number) =>
  series(http.map((rep) => f(pick(rep))));

const loadFigures = (http: RawResults['http'], pick: (rep: RawResults['http'][number]) => LoadResult) => ({
  reqPerSec: overReps(http, pick, reqRate), p50Ms: overReps(http, pick, (r) => r.latency.p50), p99Ms: overReps(http, pick, (r) => r.latency.p99),
  non2xx: http.reduce((sum, rep) => sum + pick(rep).non2xx, 0),
  errors: http.reduce((sum, rep) => sum + pick(rep).errors + pick(rep).timeouts, 0),
});

/** The HTTP section's figures: medians over the repetitions of each load. */
const httpFigures = (http: RawResults['http'], connections: number, secondsPerRun: number) => ({
  connections,
  secondsPerRun,
  trivial: loadFigures(http, (r) => r.trivial),
  commands: loadFigures(http, (r) => r.commands),
  commandsNormal: loadFigures(http, (r) => r.commandsNormal),
  commandsInProcess: loadFigures(http, (r) => r.commandsInProcess),
  queries: loadFigures(http, (r) => r.queries),
  queriesHalfLoad: { ...loadFigures(http, (r) => r.queriesHalfLoad), offeredRate: overReps(http, (r) => r.queriesHalfLoad, (r) => (r as LoadResult & { offeredRate: number }).offeredRate) },
});
type HttpFigures = ReturnType<typeof httpFigures>;

const withMet = <T extends { value: number; target: string }>(t: T) =>
  ({ ...t, met: t.target.startsWith('≥') ? t.value >= Number.parseFloat(t.target.slice(2)) : t.value <= Number.parseFloat(t.target.slice(2)) });

/** The HTTP targets of issue 9, appended after the older ones (rows refer to targets by index). */
const httpTargets = (http: HttpFigures, connections: number) => [
  {
    name: `HTTP commands ≥ 0.7× the same commands in process on the same server (${connections} connections / in flight)`,
    value: http.commands.reqPerSec.median / http.commandsInProcess.reqPerSec.median, target: '≥ 0.7',
  },
  { name: 'HTTP point queries ≥ 0.7× the same server\'s trivial endpoint', value: http.queries.reqPerSec.median / http.trivial.reqPerSec.median, target: '≥ 0.7' },
];

type Meta = { mode: string; connections: number; httpSeconds: number; queries: number; machine: BenchReport['machine'] };

export const buildReport = (raw: RawResults, meta: Meta): BenchReport => {
  const over = <T>(pick: (rep: RawResults['reps'][number]) => T, f: (value: T) => number) => series(raw.reps.map((rep) => f(pick(rep))));
  const latency = (pick: (rep: RawResults['reps'][number]) => Latencies) => ({
    p50Ms: over(pick, (l) => l.p50), p99Ms: over(pick, (l) => l.p99), count: pick(raw.reps[0]).count,
  });

  const figures = {
    commandPath: {
      ledger: { eventsPerSec: over((r) => r.commandPath, rate), commandsPerSec: over((r) => r.commandPath, commandRate) },
      rawSingleEventTransactions: { eventsPerSec: over((r) => r.rawSingle, rate) },
      ledgerFull: {
        eventsPerSec: over((r) => r.commandPathFull, rate), commandsPerSec: over((r) => r.commandPathFull, commandRate),
        commands: raw.reps[0].commandPathFull.commands ?? 0,
      },
      rawSingleEventTransactionsFull: { eventsPerSec: over((r) => r.rawSingleFull, rate) },
      peer: { eventsPerSec: over((r) => r.peerCommandPath, rate), commandsPerSec: over((r) => r.peerCommandPath, commandRate), events: raw.reps[0].peerCommandPath.events },
    },
    bulkImport: {
      ledger: { eventsPerSec: over((r) => r.bulkImport, rate) },
      raw100PerTransaction: { eventsPerSec: over((r) => r.rawBatched, rate) },
      ledgerFull: { eventsPerSec: over((r) => r.bulkImportFull, rate) },
      raw100PerTransactionFull: { eventsPerSec: over((r) => r.rawBatchedFull, rate) },
      peer: { eventsPerSec: over((r) => r.peerBulk, rate), events: raw.reps[0].peerBulk.events },
    },
    rebuild: {
      ledger: { eventsPerSec: over((r) => r.rebuild, rate), events: raw.reps[0].rebuild.events },
      rawReadAndParse: { eventsPerSec: over((r) => r.rawRead, rate) },
      peerReadAll: { eventsPerSec: over((r) => r.peerRead, rate), events: raw.reps[0].peerRead.events },
    },
    pointQuery: {
      ledger: latency((r) => r.pointQuery),
      rawPrimaryKey: latency((r) => r.rawPointQuery),
      peerReadAndFoldStream: latency((r) => r.peerPointQuery),
    },
    http: httpFigures(raw.http, meta.connections, meta.httpSeconds),
    memory: {
      peakRssMb: raw.memory.peakRssMb,
      scale: raw.memory.scale,
      rebuild1x: raw.memory.oneX,
      rebuildScaled: raw.memory.scaled,
      sustainedWrites: raw.memory.sustainedWrites,
    },
  };

  const f = figures;
  const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
  const none = { reference: null, vsReference: null, peer: null, vsPeer: null, target: null, met: null };
  const cmd = f.commandPath.ledger.eventsPerSec.median;
  const rawSingle = f.commandPath.rawSingleEventTransactions.eventsPerSec.median;
  const bulk = f.bulkImport.ledger.eventsPerSec.median;
  const rawBatched = f.bulkImport.raw100PerTransaction.eventsPerSec.median;
  const bulkFull = f.bulkImport.ledgerFull.eventsPerSec.median;
  const rawBatchedFull = f.bulkImport.raw100PerTransactionFull.eventsPerSec.median;
  const rebuild = f.rebuild.ledger.eventsPerSec.median;
  const rawRead = f.rebuild.rawReadAndParse.eventsPerSec.median;
  const trivial = f.http.trivial.reqPerSec.median;
  const httpCommands = f.http.commands.reqPerSec.median;
  const memoryRatio = raw.memory.scaled.rssAfterMb / raw.memory.oneX.rssAfterMb;
  const cmdFull = f.commandPath.ledgerFull.eventsPerSec.median;
  const rawSingleFull = f.commandPath.rawSingleEventTransactionsFull.eventsPerSec.median;
  const httpCommandsNormal = f.http.commandsNormal.reqPerSec.median;
  const [rssFirst, rssLast] = raw.memory.sustainedWrites.checkpoints;
  const targets = [
    { name: 'command path ≥ 0.5× raw single-event append', value: ratio(cmd, rawSingle) ?? 0, target: '≥ 0.5' },
    { name: 'command path ≥ 5× emmett-sqlite', value: ratio(cmd, f.commandPath.peer.eventsPerSec.median) ?? 0, target: '≥ 5' },
    { name: 'bulk import ≥ 0.7× raw batched append', value: ratio(bulk, rawBatched) ?? 0, target: '≥ 0.7' },
    { name: 'rebuild ≥ 0.5× raw read-and-parse', value: ratio(rebuild, rawRead) ?? 0, target: '≥ 0.5' },
    { name: 'HTTP commands ≥ 0.5× the trivial endpoint', value: ratio(httpCommands, trivial) ?? 0, target: '≥ 0.5' },
    { name: `query p99 ≤ 5 ms at ${meta.connections} connections, as fast as the server answers`, value: f.http.queries.p99Ms.median, target: '≤ 5 ms' },
    { name: `query p99 ≤ 5 ms at ${meta.connections} connections, half the rate the server reached`, value: f.http.queriesHalfLoad.p99Ms.median, target: '≤ 5 ms' },
    { name: `RSS after rebuilding ${raw.memory.scale}× the history ≤ 1.25× RSS after rebuilding 1× (memory flat with history)`, value: memoryRatio, target: '≤ 1.25' },
    {
      name: `RSS of a serving API after ${rssLast.commands} commands ≤ 1.25× after ${rssFirst.commands} (memory flat under sustained writes)`,
      value: rssLast.rssMb / rssFirst.rssMb, target: '≤ 1.25',
    },
    ...httpTargets(f.http, meta.connections),
  ].map(withMet);
  const met = (...indexes: number[]) => indexes.every((i) => targets[i].met);

  const rows: Row[] = [
    {
      measure: '1 command path, in process, 1 command at a time, synchronous=NORMAL', unit: 'events/s', ledger: cmd,
      reference: { name: 'raw, 1 event per transaction, NORMAL', value: rawSingle }, vsReference: ratio(cmd, rawSingle),
      peer: { name: 'emmett-sqlite, same commands', value: f.commandPath.peer.eventsPerSec.median },
      vsPeer: ratio(cmd, f.commandPath.peer.eventsPerSec.median), target: '≥0.5× raw, ≥5× peer', met: met(0, 1),
    },
    {
      ...none, measure: `1 command path, synchronous=FULL (the default), first ${f.commandPath.ledgerFull.commands} commands`, unit: 'events/s',
      ledger: cmdFull, reference: { name: 'raw, 1 event per transaction, FULL', value: rawSingleFull }, vsReference: ratio(cmdFull, rawSingleFull),
    },
    {
      ...none, measure: '  the same, in commands', unit: 'commands/s', ledger: f.commandPath.ledger.commandsPerSec.median,
      peer: { name: 'emmett-sqlite', value: f.commandPath.peer.commandsPerSec.median },
      vsPeer: ratio(f.commandPath.ledger.commandsPerSec.median, f.commandPath.peer.commandsPerSec.median),
    },
    {
      measure: '2 bulk import, 100 events per append, synchronous=NORMAL', unit: 'events/s', ledger: bulk,
      reference: { name: 'raw, 100 per transaction, NORMAL', value: rawBatched }, vsReference: ratio(bulk, rawBatched),
      peer: { name: 'emmett-sqlite, 100 per transaction', value: f.bulkImport.peer.eventsPerSec.median },
      vsPeer: ratio(bulk, f.bulkImport.peer.eventsPerSec.median), target: '≥0.7× raw', met: met(2),
    },
    {
      ...none, measure: '2 bulk import, synchronous=FULL (the default)', unit: 'events/s', ledger: bulkFull,
      reference: { name: 'raw, 100 per transaction, FULL', value: rawBatchedFull }, vsReference: ratio(bulkFull, rawBatchedFull),
    },
    {
      measure: '3 rebuild of every read model from 0', unit: 'events/s', ledger: rebuild,
      reference: { name: 'raw, read every row + JSON.parse', value: rawRead }, vsReference: ratio(rebuild, rawRead),
      peer: { name: 'emmett-sqlite, read all (no read models)', value: f.rebuild.peerReadAll.eventsPerSec.median },
      vsPeer: ratio(rebuild, f.rebuild.peerReadAll.eventsPerSec.median), target: '≥0.5× raw', met: met(3),
    },
    ...(['p50Ms', 'p99Ms'] as const).map((p): Row => ({
      ...none, measure: `4 point query getAsset, ${p.slice(0, 3)}`, unit: 'ms', ledger: f.pointQuery.ledger[p].median,
      reference: { name: 'raw, row by primary key', value: f.pointQuery.rawPrimaryKey[p].median },
      vsReference: ratio(f.pointQuery.rawPrimaryKey[p].median, f.pointQuery.ledger[p].median),
      peer: { name: 'emmett-sqlite, read + fold the stream', value: f.pointQuery.peerReadAndFoldStream[p].median },
      vsPeer: ratio(f.pointQuery.peerReadAndFoldStream[p].median, f.pointQuery.ledger[p].median),
    })),
    { ...none, measure: '5 HTTP trivial GET /catalogue/accelerators', unit: 'req/s', ledger: trivial },
    {
      ...none, measure: `5 HTTP commands (${meta.connections} conn.)`, unit: 'req/s', ledger: httpCommands,
      reference: { name: 'the same server\'s trivial endpoint', value: trivial }, vsReference: ratio(httpCommands, trivial),
      target: '≥0.5× trivial', met: met(4),
    },
    {
      ...none, measure: '5 HTTP commands, synchronous=FULL (the default)', unit: 'req/s', ledger: httpCommands,
      reference: { name: 'raw, 1 event per transaction, FULL', value: rawSingleFull }, vsReference: ratio(httpCommands, rawSingleFull),
    },
    {
      ...none, measure: '5 HTTP commands, synchronous=NORMAL (opt-in)', unit: 'req/s', ledger: httpCommandsNormal,
      reference: { name: 'raw, 1 event per transaction, NORMAL', value: rawSingle }, vsReference: ratio(httpCommandsNormal, rawSingle),
    },
    { ...none, measure: '5 HTTP commands, p50 / p99', unit: 'ms', ledger: f.http.commands.p99Ms.median },
    {
      ...none, measure: `5 the same commands in process on the same server (${meta.connections} in flight)`, unit: 'cmd/s',
      ledger: f.http.commandsInProcess.reqPerSec.median,
    },
    {
      ...none, measure: '5 HTTP commands vs the same commands in process', unit: 'req/s', ledger: httpCommands,
      reference: { name: 'in process, same server, same commands', value: f.http.commandsInProcess.reqPerSec.median },
      vsReference: ratio(httpCommands, f.http.commandsInProcess.reqPerSec.median), target: '≥0.7× in process', met: met(9),
    },
    {
      ...none, measure: '5 HTTP commands vs the command path in process (FULL, one at a time)', unit: 'req/s', ledger: httpCommands,
      reference: { name: 'ledger command path, FULL', value: f.commandPath.ledgerFull.commandsPerSec.median },
      vsReference: ratio(httpCommands, f.commandPath.ledgerFull.commandsPerSec.median),
    },
    {
      ...none, measure: `5 HTTP GET /assets/:id (${meta.connections} conn.)`, unit: 'req/s', ledger: f.http.queries.reqPerSec.median,
      reference: { name: 'the same server\'s trivial endpoint', value: trivial }, vsReference: ratio(f.http.queries.reqPerSec.median, trivial),
      target: '≥0.7× trivial', met: met(10),
    },
    {
      ...none, measure: '5 HTTP GET /assets/:id, p50 / p99', unit: 'ms', ledger: f.http.queries.p99Ms.median,
      reference: { name: 'trivial endpoint p99', value: f.http.trivial.p99Ms.median },
      vsReference: ratio(f.http.trivial.p99Ms.median, f.http.queries.p99Ms.median), target: '≤5 ms', met: met(5),
    },
    {
      ...none, measure: `5   at half load (${Math.round(median(raw.http.map((r) => r.queriesHalfLoad.offeredRate)))} req/s), p50 / p99`, unit: 'ms',
      ledger: f.http.queriesHalfLoad.p99Ms.median, target: '≤5 ms', met: met(6),
    },
    { ...none, measure: '6 peak RSS, whole run', unit: 'MB', ledger: f.memory.peakRssMb },
    {
      ...none, measure: `6 RSS after rebuild, ${raw.memory.scale}× history`, unit: 'MB', ledger: raw.memory.scaled.rssAfterMb,
      reference: { name: '1× history', value: raw.memory.oneX.rssAfterMb }, vsReference: ratio(raw.memory.oneX.rssAfterMb, raw.memory.scaled.rssAfterMb),
      target: '≤1.25× the 1× figure', met: met(7),
    },
    { ...none, measure: `7 RSS of a serving API after ${rssFirst.commands} HTTP commands`, unit: 'MB', ledger: rssFirst.rssMb },
    {
      ...none, measure: `7 RSS of a serving API after ${rssLast.commands} HTTP commands`, unit: 'MB', ledger: rssLast.rssMb,
      reference: { name: `after ${rssFirst.commands}`, value: rssFirst.rssMb }, vsReference: ratio(rssFirst.rssMb, rssLast.rssMb),
      target: `≤1.25× the ${rssFirst.commands} figure`, met: met(8),
    },
  ];

  return {
    schema: 1,
    generatedAt: new Date().toISOString(),
    mode: meta.mode,
    machine: meta.machine,
    parameters: {
      assets: raw.size.assets, events: raw.size.events, commands: raw.size.commands, racks: raw.size.racks, chips: raw.size.chips,
      lifecycleEvents: raw.size.lifecycleEvents, attestations: raw.plan.attestations, reps: raw.reps.length,
      connections: meta.connections, httpSeconds: meta.httpSeconds, queries: meta.queries, peerEvents: raw.peerEvents,
      memoryScale: raw.memory.scale, fullCommands: raw.reps[0].commandPathFull.commands ?? 0,
      rssCommands: raw.memory.sustainedWrites.checkpoints.map((c) => c.commands).join(','),
    },
    figures,
    rows,
    targets,
    durationSec: raw.seconds,
  };
};

const fmt = (value: number, unit: string): string => {
  if (!Number.isFinite(value)) return '–';
  if (unit === 'ms') return value < 10 ? value.toFixed(3) : value.toFixed(1);
  if (unit === 'MB') return value.toFixed(0);
  return Math.round(value).toLocaleString('en-US');
};
const times = (value: number | null) => (value === null ? '' : `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}×`);

/** The report as a plain-text table: medians, then the targets. */
export const formatReport = (report: BenchReport): string => {
  const p = report.parameters;
  type Load = { p50Ms: Series; p99Ms: Series; non2xx: number; errors: number };
  const http = report.figures.http as { commands: Load; queries: Load; queriesHalfLoad: Load; trivial: Load };
  const header = ['measure', 'unit', 'ledger', 'reference (limit)', 'value', 'vs ref', 'peer', 'value', 'vs peer', 'target', 'met'];
  const lines = report.rows.map((row) => {
    let ledger = fmt(row.ledger, row.unit);
    if (row.measure.startsWith('5 HTTP commands, p50')) ledger = `${fmt(http.commands.p50Ms.median, 'ms')} / ${ledger}`;
    if (row.measure.startsWith('5 HTTP GET /assets/:id, p50')) ledger = `${fmt(http.queries.p50Ms.median, 'ms')} / ${ledger}`;
    if (row.measure.startsWith('5   at half load')) ledger = `${fmt(http.queriesHalfLoad.p50Ms.median, 'ms')} / ${ledger}`;
    return [
      row.measure, row.unit, ledger,
      row.reference?.name ?? '', row.reference ? fmt(row.reference.value, row.unit) : '', times(row.vsReference),
      row.peer?.name ?? '', row.peer ? fmt(row.peer.value, row.unit) : '', times(row.vsPeer),
      row.target ?? '', row.met === null ? '' : row.met ? 'yes' : 'NO',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const numeric = new Set([2, 4, 5, 7, 8]);
  const render = (cells: string[]) => cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [
    `chip-ledger bench (${report.mode}): ${p.assets} assets, ${p.events} events (${p.commands} commands; ${p.attestations} of them attestations), ` +
      `medians of ${p.reps} repetition(s); ${report.machine.cpus} × ${report.machine.cpuModel}, Node ${report.machine.node}`,
    `peer = @event-driven-io/emmett-sqlite on one kept connection, synchronous=NORMAL${Number(p.peerEvents) < Number(p.events) ? `, on the first ${p.peerEvents} events` : ''}. ` +
      '"vs" = ledger speed ÷ reference speed (latency: reference ÷ ledger); above 1 the ledger is faster.',
    '',
    render(header),
    render(widths.map((w) => '-'.repeat(w))),
    ...lines.map(render),
    '',
    `HTTP: trivial endpoint p50/p99 ${fmt(http.trivial.p50Ms.median, 'ms')} / ${fmt(http.trivial.p99Ms.median, 'ms')} ms. ` +
      `Refused or failed requests: commands ${http.commands.non2xx + http.commands.errors}, queries ${http.queries.non2xx + http.queries.errors + http.queriesHalfLoad.non2xx + http.queriesHalfLoad.errors}. ` +
      `At saturation, latency is bound by connections ÷ throughput (Little's law).`,
    'Targets:',
    ...report.targets.map((t) => `  ${t.met ? 'met    ' : 'NOT MET'}  ${t.name}: ${t.value < 10 ? t.value.toFixed(2) : t.value.toFixed(1)} (${t.target})`),
    `Ran in ${report.durationSec.toFixed(0)} s.`,
  ];
  return out.join('\n');
};

/** `BENCH_ONLY=http`: the HTTP figures of one run beside the in-process command paths, as ratios, and the HTTP targets. */
export const formatHttpOnlyReport = (report: HttpOnlyReport): string => {
  const http = httpFigures(report.http, report.connections, report.httpSeconds);
  const rate = (r: { reqPerSec: Series }) => r.reqPerSec.median;
  const latencies = (r: { p50Ms: Series; p99Ms: Series }) => `p50 ${fmt(r.p50Ms.median, 'ms')} / p99 ${fmt(r.p99Ms.median, 'ms')} ms`;
  const inProcess = commandRate(report.commandPath);
  const inProcessFull = commandRate(report.commandPathFull);
  const targets = [
    ...httpTargets(http, report.connections),
    { name: 'query p99 ≤ 5 ms, half the rate the server reached (open loop)', value: http.queriesHalfLoad.p99Ms.median, target: '≤ 5 ms' },
  ].map(withMet);
  const failed = (r: { non2xx: number; errors: number }) => r.non2xx + r.errors;
  return [
    `chip-ledger bench, HTTP section only (BENCH_ONLY=http): medians of ${report.http.length} run(s) of ${report.httpSeconds} s, ${report.connections} connections`,
    `  trivial GET /catalogue/accelerators     ${fmt(rate(http.trivial), 'req/s').padStart(8)} req/s   ${latencies(http.trivial)}`,
    `  HTTP commands (FULL)                    ${fmt(rate(http.commands), 'req/s').padStart(8)} req/s   ${latencies(http.commands)}   ${times(rate(http.commands) / rate(http.trivial))} trivial`,
    `  same commands in process, same server   ${fmt(rate(http.commandsInProcess), 'req/s').padStart(8)} cmd/s   ${latencies(http.commandsInProcess)}   HTTP = ${times(rate(http.commands) / rate(http.commandsInProcess))} of it`,
    `  HTTP commands (NORMAL)                  ${fmt(rate(http.commandsNormal), 'req/s').padStart(8)} req/s   ${latencies(http.commandsNormal)}`,
    `  command path in process, one at a time  ${fmt(inProcess, 'req/s').padStart(8)} cmd/s (NORMAL; HTTP NORMAL = ${times(rate(http.commandsNormal) / inProcess)}), ` +
      `${fmt(inProcessFull, 'req/s')} cmd/s (FULL; HTTP FULL = ${times(rate(http.commands) / inProcessFull)})`,
    `  GET /assets/:id                         ${fmt(rate(http.queries), 'req/s').padStart(8)} req/s   ${latencies(http.queries)}   ${times(rate(http.queries) / rate(http.trivial))} trivial`,
    `  GET /assets/:id at half load (${fmt(http.queriesHalfLoad.offeredRate.median, 'req/s')} req/s, open loop)   ${latencies(http.queriesHalfLoad)}`,
    `  refused or failed: commands ${failed(http.commands)}, in process ${failed(http.commandsInProcess)}, queries ${failed(http.queries) + failed(http.queriesHalfLoad)}`,
    'Targets:',
    ...targets.map((t) => `  ${t.met ? 'met    ' : 'NOT MET'}  ${t.name}: ${t.value < 10 ? t.value.toFixed(2) : t.value.toFixed(1)} (${t.target})`),
    `Ran in ${report.seconds.toFixed(0)} s.`,
  ].join('\n');
};
