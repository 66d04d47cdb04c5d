import { describeOnEachStore } from '../support/ledger-stores';
import type { TestLedger } from '../support/ledger-test-app';
import { formatSummary, fuzzApi, seedFuzzWorld } from './api-fuzzer';
import type { FuzzWorld } from './hostile-requests';

/** `npm run fuzz -- --runs N` (test/fuzz/fuzz-cli.js) sets these; `npm test` runs the short version. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const KEEP_GOING = process.env.FUZZ_KEEP_GOING === '1';
/** EventStoreDB (over gRPC to the test server) gets a shorter run: the same routes, at a few times the cost per request. */
const RUNS_ON = { sqlite: RUNS, eventstoredb: Number(process.env.FUZZ_ESDB_RUNS ?? Math.ceil(RUNS / 10)) };
const TIMEOUT_MS = Math.max(300_000, (RUNS_ON.sqlite + 4 * RUNS_ON.eventstoredb) * 100);

describeOnEachStore('hostile requests for every documented route', (on) => {
  let ledger: TestLedger;
  let world: FuzzWorld;

  beforeAll(async () => {
    ledger = await on.start();
    world = await seedFuzzWorld(ledger);
  });

  afterAll(() => ledger.close());

  it('never answer 5xx; every 4xx is problem+json with a code and leaves the event log as it was', async () => {
    const summary = await fuzzApi(ledger, world, { runs: RUNS_ON[on.kind], seed: SEED, stopAtFirst: !KEEP_GOING });
    process.stdout.write(`${formatSummary(summary)}\n`);
    expect(summary.violations).toEqual([]);
    expect(summary.sent).toBe(RUNS_ON[on.kind]);
  }, TIMEOUT_MS);
});
