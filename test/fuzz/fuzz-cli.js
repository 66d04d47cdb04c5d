#!/usr/bin/env node
/**
 * npm run fuzz -- --runs N [--esdb-runs M] [--seed S] [--stop-at-first] [--trace]
 * Runs the HTTP fuzzer of test/fuzz (the same generator and checks as in `npm test`) for any number of requests:
 * N on the embedded store, M (default N/8, 0 to skip) on EventStoreDB over gRPC to the in-process test server.
 * A long run collects every request that breaks a rule instead of stopping at the first.
 */
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const flag = (name) => args.includes(name);
const count = (name, value) => {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) {
    console.error(`${name} takes a whole number, not ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return value;
};

const runs = count('--runs', option('--runs')) ?? '10000';
const esdbRuns = count('--esdb-runs', option('--esdb-runs')) ?? String(Math.ceil(Number(runs) / 8));
const seed = count('--seed', option('--seed'));
const env = {
  ...process.env,
  FUZZ_RUNS: runs,
  FUZZ_ESDB_RUNS: esdbRuns,
  FUZZ_KEEP_GOING: flag('--stop-at-first') ? '0' : '1',
  ...(seed === undefined ? {} : { FUZZ_SEED: seed }),
  ...(flag('--trace') ? { FUZZ_TRACE: '1' } : {}),
};
const jest = join(__dirname, '..', '..', 'node_modules', '.bin', 'jest');
const only = esdbRuns === '0' ? ['-t', 'embedded store'] : [];
const result = spawnSync(jest, ['test/fuzz/api-fuzz.e2e-spec.ts', ...only], { stdio: 'inherit', env, cwd: join(__dirname, '..', '..') });
process.exit(result.status ?? 1);
