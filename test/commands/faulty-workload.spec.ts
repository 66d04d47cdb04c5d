import type { OpenedStore } from './command-ledger';
import { openStore, portableDump, projectAll } from './command-ledger';
import type { WorkloadRun } from './command-workload';
import { generateWorkload, runWorkload } from './command-workload';

/**
 * Fault test (2) of issue 10: a generated workload run on the embedded store, and again on EventStoreDB (the adapter
 * over gRPC to the test server) with faults injected at random into the appends (not ready, busy, committed but
 * answered with a timeout; each for one to six appends in a row, so some outlast the adapter's own retries and reach
 * the client, which sends the command again). Both runs must accept and refuse the same commands, end with the same
 * read models, and keep every command they acknowledged. npm test runs 600 commands (about 75 faults);
 * `npm run test:workload` runs 3,000 (WORKLOAD_COMMANDS sets the number, WORKLOAD_SEED the seed).
 */
const COMMANDS = Number(process.env.WORKLOAD_COMMANDS ?? 600);
const SEED = Number(process.env.WORKLOAD_SEED ?? 20261129);

describe(`a workload of ${COMMANDS} commands with random faults on EventStoreDB, against the same on the embedded store`, () => {
  const opened: OpenedStore[] = [];
  afterAll(async () => {
    for (const store of opened) await store.close();
  });

  it('accepts and refuses the same commands, ends with the same read models, and loses no acknowledged command', async () => {
    const workload = generateWorkload(COMMANDS, SEED);
    const sqlite = await openStore('sqlite');
    opened.push(sqlite);
    const esdb = await openStore('eventstoredb');
    opened.push(esdb);

    const reference: WorkloadRun = await runWorkload(sqlite, workload);
    const faulty: WorkloadRun = await runWorkload(esdb, workload, { every: 8, seed: SEED });

    const injected = Object.values(esdb.server!.faults.injected).reduce((sum, n) => sum + n, 0);
    expect(injected).toBeGreaterThanOrEqual(COMMANDS / 10);
    expect(faulty.resends).toBeGreaterThan(0); // some faults reached the client, not only the adapter's retries
    expect(faulty.outcomes.filter((o) => o === 'accepted').length).toBeGreaterThan(COMMANDS / 4);
    if (process.env.WORKLOAD_REPORT) console.log(JSON.stringify({ injected: esdb.server!.faults.injected, resends: faulty.resends, outcomes: Object.entries(faulty.outcomes.reduce<Record<string, number>>((n, o, i) => ({ ...n, [`${workload[i].type}:${o}`]: (n[`${workload[i].type}:${o}`] ?? 0) + 1 }), {})) }));
    expect(faulty.outcomes).toEqual(reference.outcomes);

    for (const { commandId, stream } of faulty.acknowledged) {
      const events = await esdb.store.readStream(stream);
      if (!events.some((event) => event.metadata.commandId === commandId)) throw new Error(`acknowledged ${commandId} is not on ${stream}`);
    }
    const [expected, actual] = [await projectAll(sqlite, 'reference'), await projectAll(esdb, 'faulty')];
    const [expectedDump, actualDump] = [portableDump(expected), portableDump(actual)];
    expected.close();
    actual.close();
    expect(actualDump.pending_claims).toEqual([]);
    for (const table of Object.keys(expectedDump)) expect({ table, rows: actualDump[table] }).toEqual({ table, rows: expectedDump[table] });
  }, 300_000);
});
