import Database from 'better-sqlite3';
import { join } from 'node:path';
import { runFleetScenario } from './testing/fleet-scenario';
import { LedgerScript } from './testing/ledger-script';
import { TempLedger, dumpReadModels } from './testing/read-side-fixture';

/**
 * Rebuild throughput against raw better-sqlite3 read-and-parse of the same log. Opt-in (it takes a while to write the
 * history): PROJECTION_BENCH=1 npx jest libs/projections/src/rebuild-throughput  (PROJECTION_BENCH_RACKS to size it).
 */
const bench = process.env.PROJECTION_BENCH ? it : it.skip;

describe('rebuild throughput', () => {
  bench('rebuilds the read models at a useful fraction of raw read-and-parse speed', async () => {
    const ledger = new TempLedger();
    try {
      const racks = Number(process.env.PROJECTION_BENCH_RACKS ?? 40);
      await runFleetScenario(new LedgerScript(ledger.store), { racks, serversPerRack: 4, chipsPerBoard: 8 });

      const raw = new Database(join(ledger.dir, 'events.sqlite'), { readonly: true });
      const rawRun = () => {
        const started = process.hrtime.bigint();
        let rows = 0;
        for (const row of raw.prepare<[], { data: string; metadata: string }>('SELECT * FROM events ORDER BY seq').iterate()) {
          JSON.parse(row.data);
          JSON.parse(row.metadata);
          rows++;
        }
        return { rows, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
      };
      rawRun();
      const baseline = rawRun();
      raw.close();

      const runs: number[] = [];
      let dump: unknown = null;
      for (let i = 0; i < 3; i++) {
        const db = ledger.readModels(`rebuild-${i}.sqlite`);
        const runner = ledger.runner(db);
        const started = process.hrtime.bigint();
        await runner.rebuild();
        runs.push(Number(process.hrtime.bigint() - started) / 1e9);
        const current = dumpReadModels(db);
        if (dump) expect(current).toEqual(dump);
        dump = current;
      }
      const best = Math.min(...runs);
      const timelineRows = (dump as Record<string, string[]>).timeline.length;
      const rawRate = baseline.rows / baseline.seconds;
      const rebuildRate = baseline.rows / best;
      process.stdout.write(
        `\nrebuild: ${baseline.rows} events (${timelineRows} timeline rows) in ${(best * 1000).toFixed(0)} ms = ` +
        `${Math.round(rebuildRate)} events/s; raw read-and-parse ${Math.round(rawRate)} rows/s; ratio ${(rebuildRate / rawRate).toFixed(2)}\n`,
      );
    } finally {
      await ledger.cleanUp();
    }
  }, 600_000);
});
