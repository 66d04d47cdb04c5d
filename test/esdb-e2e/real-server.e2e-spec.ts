import { randomUUID } from 'node:crypto';
import { EVENT_STORE, comparePositions } from '@chip-ledger/event-store';
import type { EventStore, GlobalPosition } from '@chip-ledger/event-store';
import type { TestLedger } from '../support/ledger-test-app';
import { startTestLedger } from '../support/ledger-test-app';

/**
 * The HTTP API against the real EventStoreDB named by EVENTSTORE_CONNECTION_STRING (skipped without it). The shared
 * HTTP suites use fixed ids and a fresh store each; a real database keeps every run's events, so this check writes
 * only streams of its own (ids prefixed with a fresh run id) and never assumes an empty log.
 */

const realServer = process.env.EVENTSTORE_CONNECTION_STRING;
const SKIPPED = 'the HTTP API on a real EventStoreDB (set EVENTSTORE_CONNECTION_STRING to run against a real server)';

const describeOnRealServer = (body: (connectionString: string) => void): void => {
  if (realServer) describe(`the HTTP API on the EventStoreDB at ${realServer.replace(/\/\/[^@/]*@/, '//')}`, () => body(realServer));
  // Skipped, the real tests are listed as skipped by name (their hooks never run, so no connection string is needed).
  else describe.skip(SKIPPED, () => body(''));
};

describeOnRealServer((connectionString) => {
  const run = `r${randomUUID().slice(0, 8)}`;
  const id = (name: string) => `${run}-${name}`;
  let ledger: TestLedger;
  let store: EventStore;
  let maker: string;
  let customs: string;
  let operator: string;

  /** Events written to this run's streams after `before`: other clients may be writing to the server meanwhile. */
  const ownEventsSince = async (before: GlobalPosition | null): Promise<string[]> => {
    const written: string[] = [];
    const filter = { streamNamePrefixes: [`asset-${run}`, `party-${run}`, `facility-${run}`] };
    for await (const event of store.readAll({ fromPosition: before ?? undefined, filter })) {
      if (!before || comparePositions(event.position, before) > 0) written.push(`${event.streamName}: ${event.type}`);
    }
    return written;
  };

  beforeAll(async () => {
    ledger = await startTestLedger({ eventStoreConnectionString: connectionString, sharedStore: true, readWaitMs: 15_000 });
    store = ledger.app.get<EventStore>(EVENT_STORE);
    maker = await ledger.registerParty(id('maker'), ['manufacturer'], 'TW');
    await ledger.registerParty(id('carrier'), ['carrier'], 'NL');
    customs = await ledger.registerParty(id('customs'), ['customs'], 'DE');
    operator = await ledger.registerParty(id('operator'), ['operator'], 'DE');
    await ledger.registerFacility(id('fab'), id('maker'), 'TW', 'assembly');
    await ledger.registerFacility(id('dc'), id('operator'), 'DE', 'datacenter');
  }, 120_000);

  afterAll(() => ledger?.close());

  it('reports the store on /health: EventStoreDB, reachable, projections following', async () => {
    const { body } = await ledger.http().get('/health').expect(200);
    expect(body.store).toEqual({ kind: 'eventstoredb', location: expect.any(String), reachable: true, node: { endpoint: expect.any(String), leader: true } });
    expect(body.projections).toMatchObject({ running: true });
  });

  it('carries a board of chips from the fab through customs into the datacenter', async () => {
    const chips = [id('gpu-1'), id('gpu-2')];
    const board = id('board');
    const ok = async (path: string, key: string, body: object) => (await ledger.post(path, key, body).expect(201)).body as { position: string };
    for (const assetId of chips) await ok('/assets', maker, { assetId, kind: 'chip', model: 'nvidia-h100-sxm', facilityId: id('fab') });
    await ok('/assets', maker, { assetId: board, kind: 'board', model: 'baseboard', facilityId: id('fab') });
    await ok(`/assets/${board}/packing`, maker, { childIds: chips });
    await ok(`/assets/${board}/shipments`, maker, { toFacilityId: id('dc'), carrierId: id('carrier') });
    await ok(`/assets/${board}/customs-holds`, customs, { country: 'DE', reason: 'documents check' });
    await ok(`/assets/${board}/customs-clearances`, customs, {});
    await ok(`/assets/${board}/receipts`, operator, { facilityId: id('dc') });
    const last = await ok(`/assets/${board}/installations`, operator, { cluster: 'c1' });

    const chip = await ledger.get(`/assets/${chips[0]}?position=${last.position}`, operator).expect(200);
    expect(chip.body).toMatchObject({ status: 'installed', facilityId: id('dc'), custodianId: id('operator'), parentId: board, rootId: board });
    const history = await ledger.get(`/assets/${chips[0]}/history`, operator).expect(200);
    expect(history.body.entries.map((entry: { eventType: string }) => entry.eventType)).toEqual([
      'AssetManufactured', 'AssetPackedInto', 'AssetShipped', 'CustomsHeld', 'CustomsCleared', 'AssetReceived', 'AssetInstalled',
    ]);
  });

  it('writes a command retried with its Idempotency-Key once, and answers the same', async () => {
    const assetId = id('gpu-idem');
    await ledger.post('/assets', maker, { assetId, kind: 'chip', model: 'nvidia-b200', facilityId: id('fab') }).expect(201);
    const ship = () => ledger.post(`/assets/${assetId}/shipments`, maker, { toFacilityId: id('dc'), carrierId: id('carrier') }, { 'Idempotency-Key': id('ship') });
    const first = await ship().expect(201);
    const again = await ship().expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await store.readStream(`asset-${assetId}`)).map((event) => event.type)).toEqual(['AssetManufactured', 'AssetShipped']);
  });

  it('lets one of ten concurrent shipments of one asset through, and a refused command writes nothing', async () => {
    const assetId = id('gpu-race');
    await ledger.post('/assets', maker, { assetId, kind: 'chip', model: 'nvidia-b200', facilityId: id('fab') }).expect(201);
    const responses = await Promise.all(Array.from({ length: 10 }, () =>
      ledger.post(`/assets/${assetId}/shipments`, maker, { toFacilityId: id('dc'), carrierId: id('carrier') })));
    expect(responses.map((response) => response.status).sort()).toEqual([201, ...Array<number>(9).fill(409)]);
    expect((await store.readStream(`asset-${assetId}`)).filter((event) => event.type === 'AssetShipped')).toHaveLength(1);

    const before = await store.headPosition();
    const refused = await ledger.post('/assets', maker, { assetId, kind: 'chip', model: 'nvidia-b200', facilityId: id('fab') });
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 409, code: 'asset-already-exists' });
    expect(await ownEventsSince(before)).toEqual([]);
  });
});
