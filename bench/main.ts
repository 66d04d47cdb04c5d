import { Command, InvalidArgumentError } from 'commander';
import { join } from 'node:path';
import type { BenchReport, HttpOnlyReport } from './report';
import { formatHttpOnlyReport, formatReport } from './report';
import type { BenchOptions } from './run-bench';
import { DEFAULTS, runBenchParts, runRebuildOnly, runStoreOnly } from './run-bench';

const positiveInt = (value: string): number => {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive integer');
  return n;
};
const positiveNumber = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a positive number');
  return n;
};

type CliOptions = {
  events?: number; assets?: number; reps?: number; large?: boolean; smoke?: boolean; out: string; httpSeconds?: number;
  connections?: number; queries?: number; peerEvents?: number; memoryScale?: number; dir?: string; keep?: boolean; json?: boolean;
  fullCommands?: number; rssCommands?: [number, number];
};

const twoCounts = (value: string): [number, number] => {
  const [first, second, ...rest] = value.split(',').map(positiveInt);
  if (second === undefined || rest.length || second <= first) throw new InvalidArgumentError('two ascending counts, e.g. 50000,150000');
  return [first, second];
};

const program = new Command('npm run bench --')
  .description('Measures the ledger (command path, bulk import, rebuild, queries, HTTP, memory) next to raw better-sqlite3 and emmett-sqlite, as ratios')
  .option('--events <n>', `events in the history (default ${DEFAULTS.default.events}); above the fleet's lifecycle, chip location attestations fill the gap`, positiveInt)
  .option('--assets <n>', `assets in the fleet, in racks of 81 (default ${DEFAULTS.default.assets})`, positiveInt)
  .option('--reps <n>', `repetitions; the table shows medians (default ${DEFAULTS.default.reps}, --large 1)`, positiveInt)
  .option('--large', `1,000,000 assets (3.26M events, one repetition, the peer on its first ${DEFAULTS.large.peerMaxEvents} events, memory at 2×): about 30 minutes on 2 cores and up to ~10 GB of scratch disk`)
  .option('--smoke', 'a tiny data set and short runs, in seconds: proves the benchmark works, measures nothing')
  .option('--out <file>', 'JSON report', join(process.cwd(), 'bench', 'results', 'latest.json'))
  .option('--http-seconds <s>', 'seconds of load per HTTP measurement', positiveNumber)
  .option('--connections <n>', 'concurrent HTTP connections', positiveInt)
  .option('--queries <n>', 'point queries per repetition', positiveInt)
  .option('--peer-events <n>', 'replay only about this many events on the peer: a prefix of the same script (attestations come last, so a prefix has fewer of them)', positiveInt)
  .option('--memory-scale <n>', 'the memory check rebuilds a history this many times the data set (default 10)', positiveInt)
  .option('--full-commands <n>', `commands run again on a store with synchronous=FULL, one sync each (default ${DEFAULTS.default.fullCommands})`, positiveInt)
  .option('--rss-commands <a,b>', `a serving API's RSS is read after a and after b HTTP commands (default ${DEFAULTS.default.rssCommands.join(',')})`, twoCounts)
  .option('--dir <path>', 'scratch directory (default: a new one under the system temp directory)')
  .option('--keep', 'keep the scratch files')
  .option('--json', 'print the JSON report instead of the table')
  .addHelpText('after', '\nBENCH_ONLY=http: only the HTTP section, with the in-process command paths it is compared with (one repetition of those; a few minutes).\nBENCH_ONLY=store: only the command path and the bulk import, each against its raw append.');

const onlyFromEnv = (value: string | undefined): 'http' | 'rebuild' | 'store' | undefined => {
  if (value === undefined || value === '') return undefined;
  if (value === 'http' || value === 'rebuild' || value === 'store') return value;
  throw new InvalidArgumentError(`BENCH_ONLY must be "http", "rebuild" or "store" (or unset for the whole benchmark); got "${value}"`);
};

const main = async () => {
  program.parse(process.argv);
  const cli = program.opts<CliOptions>();
  if (cli.large && cli.smoke) program.error('--large and --smoke do not go together');
  const mode = cli.smoke ? 'smoke' : cli.large ? 'large' : 'default';
  const base = DEFAULTS[mode];
  const sized = cli.events !== undefined || cli.assets !== undefined;
  const options: BenchOptions = {
    // With only --events, the fleet is sized from the events; with only --assets, the history is the fleet's lifecycle.
    assets: sized ? cli.assets : base.assets,
    events: sized ? cli.events : base.events,
    reps: cli.reps ?? base.reps,
    httpSeconds: cli.httpSeconds ?? base.httpSeconds,
    connections: cli.connections ?? base.connections,
    queries: cli.queries ?? base.queries,
    peerMaxEvents: cli.peerEvents ?? ('peerMaxEvents' in base ? base.peerMaxEvents : undefined),
    memoryScale: cli.memoryScale ?? base.memoryScale,
    fullCommands: cli.fullCommands ?? base.fullCommands,
    rssCommands: cli.rssCommands ?? base.rssCommands,
    out: cli.out,
    dir: cli.dir,
    keep: cli.keep,
    mode: sized && mode === 'default' ? 'custom' : mode,
    progress: (message) => process.stderr.write(`${message}\n`),
    only: onlyFromEnv(process.env.BENCH_ONLY),
  };
  if (options.only === 'rebuild') {
    process.stdout.write(`${await runRebuildOnly(options)}\n`);
    return;
  }
  if (options.only === 'store') {
    process.stdout.write(`${await runStoreOnly(options)}\n`);
    return;
  }
  const report = await runBenchParts(options);
  const table = 'only' in report ? formatHttpOnlyReport(report as HttpOnlyReport) : formatReport(report as BenchReport);
  process.stdout.write(cli.json ? `${JSON.stringify(report, null, 2)}\n` : `\n${table}\n`);
};

main().then(
  // The API's handles and the worker are closed; exit explicitly in case a library left a timer behind.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  },
);
