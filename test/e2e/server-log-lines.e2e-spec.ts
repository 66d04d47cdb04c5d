import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess } from '../support/server-process';

/**
 * What `npm start` writes, as a log shipper reads it: one JSON object per line, from the first line on (Nest's own
 * start-up lines included), and nothing else but the first-start admin key, which is shown as plain text on purpose.
 */
describe('the server process writes its log as JSON lines', () => {
  it('from start to shutdown, every line but the admin key banner is a JSON object', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'chip-ledger-log-lines-'));
    try {
      const server = await startServerProcess({ dataDir });
      await fetch(`${server.url}/health`);
      await server.stop();
      const lines = server.output().split('\n').filter((line) => line.trim() !== '');
      const banner = lines.filter((line) => line.startsWith('  '));
      expect(banner.some((line) => line.includes('ADMIN API KEY: cl_'))).toBe(true);
      // The port it listens on, not the default.
      expect(banner.some((line) => line.includes(`http://localhost:${new URL(server.url).port}/me`))).toBe(true);
      const notJson = lines.filter((line) => !line.startsWith('  ')).filter((line) => {
        try {
          return typeof JSON.parse(line) !== 'object';
        } catch {
          return true;
        }
      });
      expect(notJson).toEqual([]);
      expect(lines.some((line) => line.includes('"msg":"Starting Nest application..."'))).toBe(true);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
