import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FinishedRun } from '../support/server-process';
import { cliEntry, removeCompiledServer, runToEnd, serverEntry, startServerProcess } from '../support/server-process';

type LogLine = { readonly level: string; readonly msg: string; readonly err?: { readonly code?: string } };

/** Every line written, parsed: a line that is not a JSON object fails the test here. */
const logLines = (text: string): LogLine[] => text.split('\n').filter((line) => line.trim() !== '').map((line) => {
  const parsed: unknown = JSON.parse(line);
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`not a JSON object: ${line}`);
  return parsed as LogLine;
});

const fatalLines = (run: FinishedRun) => logLines(run.stdout + run.stderr).filter((line) => line.level === 'fatal');

/**
 * A process that cannot go on says why once, as a JSON line in the log's format, and exits 1: no stack dump in Nest's
 * text format, and no silence (a server that could not listen on its port used to exit without a word).
 */
describe('start-up failures are one JSON line', () => {
  const dataDirs: string[] = [];
  const freshDataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'chip-ledger-startup-'));
    dataDirs.push(dir);
    return dir;
  };

  afterAll(() => {
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    removeCompiledServer();
  });

  it('the server refuses a setting it does not know', async () => {
    const run = await runToEnd(serverEntry(), [], { DATA_DIR: freshDataDir(), PORT: '0', EVENT_STORE_SYNCHRONOUS: 'off' });
    expect(run.code).toBe(1);
    expect(fatalLines(run).map((line) => line.msg)).toEqual([expect.stringMatching(/^Could not start: EVENT_STORE_SYNCHRONOUS must be/)]);
  });

  it('next to a running server: a second server on its port or its read models fails in JSON, the CLI too, and admin-key works', async () => {
    const dataDir = freshDataDir();
    const server = await startServerProcess({ dataDir });
    try {
      const portTaken = await runToEnd(serverEntry(), [], { DATA_DIR: freshDataDir(), PORT: new URL(server.url).port });
      expect(portTaken.code).toBe(1);
      expect(fatalLines(portTaken).map((line) => line.err?.code)).toEqual(['EADDRINUSE']);

      const readModelsTaken = await runToEnd(serverEntry(), [], { DATA_DIR: dataDir, PORT: '0' });
      expect(readModelsTaken.code).toBe(1);
      expect(fatalLines(readModelsTaken)).toEqual([
        expect.objectContaining({ msg: expect.stringMatching(/^Could not start: Another projector/), err: expect.objectContaining({ code: 'read-models-locked' }) }),
      ]);

      // The CLI answers on standard output and logs on standard error.
      const seed = await runToEnd(cliEntry(), ['seed', '--racks', '1'], { DATA_DIR: dataDir });
      expect(seed.code).toBe(1);
      expect(seed.stdout).toBe('');
      expect(fatalLines(seed)).toEqual([expect.objectContaining({ msg: expect.stringMatching(/^chip-ledger seed failed: Another projector/) })]);

      // The event store alone: a new admin key while the server runs.
      const adminKey = await runToEnd(cliEntry(), ['admin-key'], { DATA_DIR: dataDir });
      expect({ code: adminKey.code, stderr: adminKey.stderr }).toEqual({ code: 0, stderr: '' });
      expect(adminKey.stdout).toMatch(/^ADMIN API KEY: cl_[\w-]{43}\n$/);
    } finally {
      await server.stop();
    }
  }, 120_000);
});
