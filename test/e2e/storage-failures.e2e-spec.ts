/**
 * The API on storage that fills up or goes away (embedded store): 507 or 503 problem+json saying nothing was written,
 * and the server back to normal by itself once space returns: the next write succeeds and the read side catches up.
 */
import type Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EventStore } from '@chip-ledger/event-store';
import { EVENT_STORE } from '@chip-ledger/event-store';
import { LiveReadModels } from '@chip-ledger/projections';
import type { TestLedger } from '../support/ledger-test-app';
import { startTestLedger } from '../support/ledger-test-app';
import type { SmallDisk } from '../support/small-disk';
import { smallDisk } from '../support/small-disk';

const chip = (assetId: string) => ({ assetId, kind: 'chip', model: 'nvidia-h100-sxm', facilityId: 'fab' });

const expectProblem = (response: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, status: number, code: string) => {
  expect({ status: response.status, type: response.headers['content-type'], code: response.body.code })
    .toEqual({ status, type: expect.stringMatching(/^application\/problem\+json/), code });
  expect(response.body.detail).toMatch(/nothing was written/);
};

describe('API on a disk that fills up (embedded store)', () => {
  let disk: SmallDisk;
  let ledger: TestLedger;
  let maker: string;
  const connections = () => [
    Reflect.get(ledger.app.get<EventStore>(EVENT_STORE), 'db') as Database.Database,
    ledger.app.get(LiveReadModels).db.connection,
  ];

  beforeAll(async () => {
    disk = smallDisk();
    // The read side retries a failed batch with back-off (up to 5 s): reads that wait for a position wait longer.
    ledger = await startTestLedger({ dataDir: disk.dir, readWaitMs: 20_000 });
    maker = await ledger.registerParty('maker', ['manufacturer'], 'TW');
    await ledger.registerFacility('fab', 'maker', 'TW', 'assembly');
  });
  afterAll(async () => {
    await ledger?.close();
    disk.dispose();
  });

  it('answers 507 storage-full while full, writes nothing, and takes the next write once space is back', async () => {
    const first = await ledger.post('/assets', maker, chip('gpu-before')).expect(201);
    disk.fill(connections());

    // A disk with no free block may still take writes that fit in pages SQLite already has: write until it is full.
    const accepted: string[] = [];
    const refused: string[] = [];
    for (let round = 0; round < 200 && !refused.length; round++) {
      const ids = [1, 2, 3, 4, 5].map((k) => `gpu-full-${round}-${k}`);
      const responses = await Promise.all(ids.map((id) => ledger.post('/assets', maker, chip(id))));
      responses.forEach((response, k) => {
        if (response.status === 201) {
          accepted.push(ids[k]);
        } else {
          expectProblem(response, 507, 'storage-full');
          expect(response.headers['retry-after']).toBe('10');
          refused.push(ids[k]);
        }
      });
    }
    expect(refused.length).toBeGreaterThan(0);
    const store = ledger.app.get<EventStore>(EVENT_STORE);
    for (const id of refused) expect(await store.readStream(`asset-${id}`)).toEqual([]);
    expectProblem(await ledger.post('/assets', maker, chip('gpu-still-full')), 507, 'storage-full');

    disk.free(connections());
    const after = await ledger.post('/assets', maker, chip('gpu-after')).expect(201);
    // The read side resumes by itself: it reaches the write made after space came back, and has everything before.
    const read = await ledger.get(`/assets/gpu-after?position=${encodeURIComponent(after.body.position as string)}`, maker);
    expect({ status: read.status, assetId: read.body.assetId }).toEqual({ status: 200, assetId: 'gpu-after' });
    for (const id of ['gpu-before', ...accepted]) expect((await ledger.get(`/assets/${id}`, maker)).status).toBe(200);
    for (const id of refused) expect((await ledger.get(`/assets/${id}`, maker)).status).toBe(404);
    expect(first.body.position).toBeDefined();
    const health = await ledger.http().get('/health').expect(200);
    expect(health.body.projections).toMatchObject({ caughtUp: true, lastError: null });
  });
});

describe('API whose event store file is deleted (embedded store)', () => {
  it('answers 503 store-unavailable with Retry-After, writes nothing, and /health says the store is unreachable', async () => {
    const ledger = await startTestLedger();
    try {
      const maker = await ledger.registerParty('maker', ['manufacturer'], 'TW');
      await ledger.registerFacility('fab', 'maker', 'TW', 'assembly');
      for (const suffix of ['', '-wal', '-shm']) rmSync(join(ledger.config.dataDir, `events.sqlite${suffix}`), { force: true });
      const response = await ledger.post('/assets', maker, chip('gpu-lost'));
      expectProblem(response, 503, 'store-unavailable');
      expect(response.headers['retry-after']).toBeDefined();
      expect((await ledger.http().get('/health')).status).toBe(503);
    } finally {
      await ledger.close();
    }
  });
});
