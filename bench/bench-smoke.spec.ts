import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeCompiledServer } from '../test/support/server-process';
import { DEFAULTS, runBench } from './run-bench';

/** Counters that are rightly zero on a good run; every other number in the report must be a positive figure. */
const ZERO_ALLOWED = new Set(['non2xx', 'errors', 'failed']);

const numbersIn = (value: unknown, path: string, out: [string, number][] = []): [string, number][] => {
  if (typeof value === 'number') out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((item, i) => numbersIn(item, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) numbersIn(item, `${path}.${key}`, out);
  return out;
};

/** The benchmark still runs end to end (smoke mode: tiny, seconds). No timings are asserted, only that every figure exists. */
describe('npm run bench --smoke', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chip-ledger-bench-smoke-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    removeCompiledServer();
  });

  it('produces every figure, positive, and writes the JSON report', async () => {
    const out = join(dir, 'results', 'smoke.json');
    const report = await runBench({ ...DEFAULTS.smoke, mode: 'smoke', out, dir: join(dir, 'scratch') });

    expect(existsSync(out)).toBe(true);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));

    const figures = numbersIn(report.figures, 'figures');
    expect(figures.length).toBeGreaterThan(40);
    const notPositive = figures.filter(([path, n]) => !ZERO_ALLOWED.has(path.split('.').pop() as string) && !(Number.isFinite(n) && n > 0));
    expect(notPositive).toEqual([]);
    for (const row of report.rows) {
      expect(Number.isFinite(row.ledger) && row.ledger > 0).toBe(true);
      if (row.reference) expect(row.reference.value).toBeGreaterThan(0);
      if (row.peer) expect(row.peer.value).toBeGreaterThan(0);
    }
    expect(report.targets.length).toBeGreaterThanOrEqual(6);
    // Every HTTP command was a valid, distinct command the ledger accepted.
    const http = report.figures.http as { commands: { non2xx: number; errors: number }; queries: { non2xx: number; errors: number } };
    expect(http.commands).toMatchObject({ non2xx: 0, errors: 0 });
    expect(http.queries).toMatchObject({ non2xx: 0, errors: 0 });
    expect((report.figures.http as { commandsNormal: unknown }).commandsNormal).toMatchObject({ non2xx: 0, errors: 0 });
    const memory = report.figures.memory as { sustainedWrites: { failed: number; checkpoints: { commands: number }[] } };
    expect(memory.sustainedWrites.failed).toBe(0);
    expect(memory.sustainedWrites.checkpoints.map((c) => c.commands)).toEqual([...DEFAULTS.smoke.rssCommands]);
  }, 180_000);
});
