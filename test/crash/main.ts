import { Command, InvalidArgumentError } from 'commander';
import { runCrashTrials } from './crash-trials';

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive integer');
  return n;
};

const program = new Command('npm run crash-test --')
  .description('kill -9 the real server at random moments under concurrent writes; check no acknowledged write is lost and the read models equal a rebuild')
  .option('--trials <n>', 'trials (default 10)', positiveInt, 10)
  .option('--clients <n>', 'concurrent ingest clients (default 16)', positiveInt, 16)
  .option('--min-ms <n>', 'earliest kill after ingest starts, ms (default 500)', positiveInt, 500)
  .option('--max-ms <n>', 'latest kill after ingest starts, ms (default 5000)', positiveInt, 5000);

const main = async () => {
  program.parse(process.argv);
  const cli = program.opts<{ trials: number; clients: number; minMs: number; maxMs: number }>();
  const results = await runCrashTrials({
    trials: cli.trials, clients: cli.clients, minRunMs: cli.minMs, maxRunMs: Math.max(cli.minMs, cli.maxMs),
    log: (message) => process.stderr.write(`${message}\n`),
  });
  const failed = results.filter((r) => r.lostFromLog.length || r.notInReadModels.length || r.differsFromRebuild.length);
  const acknowledged = results.reduce((sum, r) => sum + r.acknowledged, 0);
  process.stdout.write(`${results.length} trials, ${acknowledged} acknowledged writes, ${failed.length} failed\n`);
  for (const r of failed) process.stdout.write(`${JSON.stringify(r)}\n`);
  return failed.length ? 1 : 0;
};

main().then((code) => process.exit(code), (error: unknown) => {
  process.stderr.write(`crash test failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(2);
});
