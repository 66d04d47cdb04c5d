import { removeCompiledServer } from '../support/server-process';
import { runCrashTrials } from './crash-trials';

/** The short version of `npm run crash-test`: two kill -9 trials of the real server under concurrent writes. */
describe('kill -9 under concurrent writes (crash test, short)', () => {
  afterAll(removeCompiledServer);

  it('loses no acknowledged write, and the read models after restart equal a rebuild', async () => {
    const results = await runCrashTrials({ trials: 2, clients: 8, minRunMs: 300, maxRunMs: 1500 });
    for (const result of results) {
      expect(result.acknowledged).toBeGreaterThan(0);
      expect({ lostFromLog: result.lostFromLog, notInReadModels: result.notInReadModels, differsFromRebuild: result.differsFromRebuild })
        .toEqual({ lostFromLog: [], notInReadModels: [], differsFromRebuild: [] });
    }
  }, 120_000);
});
