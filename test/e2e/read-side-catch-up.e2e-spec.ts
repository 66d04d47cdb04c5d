import { mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { EventStore } from '@chip-ledger/event-store';
import { EVENT_STORE, comparePositions, decodePosition, encodePosition } from '@chip-ledger/event-store';
import { LEDGER_STREAM_FILTER, LiveReadModels } from '@chip-ledger/projections';
import { startServer } from '../../apps/api/src/start-server';
import { describeOnEachStore } from '../support/ledger-stores';

const ASSETS = 40;
const chip = (assetId: string) => ({ assetId, kind: 'chip', model: 'nvidia-h100-sxm', facilityId: 'fab-1', occurredAt: '2026-11-01T08:00:00Z' });

/**
 * A start with the read models far behind the log (here: deleted, as after a lost file or a schema change), and a
 * read side held back until the test lets it go: the server starts anyway, says so, and answers what it can.
 */
describeOnEachStore('starting with the read side far behind the log', (on) => {
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => void unhandled.push(reason);
  let dataDir: string;

  beforeAll(() => {
    process.on('unhandledRejection', record);
    dataDir = mkdtempSync(join(tmpdir(), 'chip-ledger-catch-up-'));
  });

  afterAll(() => {
    process.off('unhandledRejection', record);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts without waiting, says catching-up, answers reads 503 read-model-behind with the lag, checks keys against the log, then serves normally', async () => {
    // Read models left behind: a copy taken after the parties were registered, before everything else.
    const first = await on.start({ dataDir });
    const maker = await first.registerParty('maker', ['manufacturer'], 'TW');
    const carrier = await first.post('/parties', first.adminKey, { partyId: 'carrier', name: 'Carrier', roles: ['carrier'], country: 'NL' }).expect(201);
    const carrierKey = await first.post('/parties/carrier/api-keys', first.adminKey).expect(201);
    const facility = await first.post('/facilities', first.adminKey, { facilityId: 'fab-1', name: 'Fab', kind: 'fab', country: 'TW', operatorId: 'maker' }).expect(201);
    await first.get(`/facilities/fab-1?position=${facility.body.position}`, maker).expect(200);
    const snapshot = join(dataDir, 'snapshot.sqlite.copy');
    first.app.get(LiveReadModels).db.connection.exec(`VACUUM INTO '${snapshot}'`);
    const checkpoint = facility.body.position as string;
    for (let i = 0; i < ASSETS; i++) await first.post('/assets', maker, chip(`gpu-${i}`)).expect(201);
    // Revoked after the copy: the read models left behind still say it is active.
    await request(first.app.getHttpServer()).delete(`/parties/carrier/api-keys/${carrierKey.body.keyId}`)
      .set('Authorization', `Bearer ${first.adminKey}`).expect(200);
    const { adminKey, config } = first;
    await first.close();
    for (const name of readdirSync(dataDir)) if (name.startsWith('read-models')) rmSync(join(dataDir, name));
    renameSync(snapshot, join(dataDir, 'read-models.sqlite'));
    void carrier;

    let letGo: () => void = () => undefined;
    const heldBack = new Promise<void>((resolve) => {
      letGo = resolve;
    });
    const announced: string[] = [];
    const app = await startServer(
      { ...config, port: 0, projection: { beforeBatch: () => heldBack } },
      { logger: false, announce: (message) => void announced.push(message) },
    );
    try {
      const http = () => request(app.getHttpServer());
      const store = app.get<EventStore>(EVENT_STORE);
      const ledgerEvents = [];
      for await (const event of store.readAll({ filter: LEDGER_STREAM_FILTER })) ledgerEvents.push(event);
      const head = encodePosition(ledgerEvents.at(-1)!.position);
      const behind = ledgerEvents.filter((event) => comparePositions(event.position, decodePosition(checkpoint)!) > 0).length;
      expect(behind).toBe(ASSETS + 1);
      // The admin party exists in the log: nothing issued again, whatever the read models say.
      expect(announced).toEqual([]);

      const health = await http().get('/health').expect(200);
      expect(health.body).toMatchObject({
        status: 'catching-up',
        projections: {
          running: true, catchingUp: true, checkpoint, head, caughtUp: false,
          lag: { checkpoint, head, events: behind, eventsAtLeast: false, seconds: expect.any(Number) },
        },
      });

      const read = await http().get('/assets/gpu-1').set('Authorization', `Bearer ${adminKey}`).expect(503);
      expect(read.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(read.headers['retry-after']).toBeDefined();
      expect(read.body).toMatchObject({
        status: 503, code: 'read-model-behind', lag: { checkpoint, head, events: behind },
      });
      await http().get('/me').set('Authorization', `Bearer ${maker}`).expect(503);

      // Commands do not need the read models: a key they know is checked against its party's stream, where the
      // carrier's was revoked; a key they do not know may be in the part not applied yet.
      const written = await http().post('/assets').set('Authorization', `Bearer ${maker}`).send(chip('gpu-late')).expect(201);
      await http().post('/assets/gpu-1/missing-reports').set('Authorization', `Bearer ${carrierKey.body.apiKey}`).send({}).expect(401);
      await http().post('/assets').set('Authorization', 'Bearer cl_not-a-key').send(chip('gpu-bad')).expect(503);

      letGo();
      await http().get(`/assets/gpu-late?position=${written.body.position}`).set('Authorization', `Bearer ${maker}`).expect(200);
      const after = await http().get('/health').expect(200);
      expect(after.body).toMatchObject({
        status: 'ok', projections: { catchingUp: false, caughtUp: true, lag: { events: 0, seconds: 0 } },
      });
      await http().get('/assets/gpu-1').set('Authorization', `Bearer ${adminKey}`).expect(200);
      await http().post('/assets').set('Authorization', 'Bearer cl_not-a-key').send(chip('gpu-bad')).expect(401);
    } finally {
      letGo();
      await app.close();
    }
    expect(unhandled).toEqual([]);
  });
});
