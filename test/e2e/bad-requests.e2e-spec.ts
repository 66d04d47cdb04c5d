import { EVENT_STORE, comparePositions } from '@chip-ledger/event-store';
import type { EventStore, GlobalPosition } from '@chip-ledger/event-store';
import { describeOnEachStore } from '../support/ledger-stores';
import type { TestLedger } from '../support/ledger-test-app';

type Who = 'maker' | 'carrier' | 'operator' | 'customs' | 'stranger' | 'admin' | 'none' | 'bogus';
type BadRequest = {
  readonly name: string;
  readonly who: Who;
  readonly method?: 'get' | 'post' | 'delete';
  readonly path: string;
  readonly body?: object | string;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly code: string;
};

const chip = { kind: 'chip', model: 'nvidia-h100-sxm', facilityId: 'fab' };
const shipment = { toFacilityId: 'dc', carrierId: 'carrier' };

/** Each: the documented 4xx, as problem+json, and the event log exactly as it was. */
const BAD_REQUESTS: readonly BadRequest[] = [
  { name: 'manufacture without a body', who: 'maker', path: '/assets', body: {}, status: 400, code: 'validation-failed' },
  { name: 'manufacture with an unknown kind', who: 'maker', path: '/assets', body: { ...chip, assetId: 'x1', kind: 'toaster' }, status: 400, code: 'validation-failed' },
  { name: 'asset id with a space', who: 'maker', path: '/assets', body: { ...chip, assetId: 'gpu 1' }, status: 400, code: 'validation-failed' },
  { name: 'asset id of 200 characters', who: 'maker', path: '/assets', body: { ...chip, assetId: 'a'.repeat(200) }, status: 400, code: 'validation-failed' },
  { name: 'model of the wrong type', who: 'maker', path: '/assets', body: { ...chip, assetId: 'x2', model: 42 }, status: 400, code: 'validation-failed' },
  { name: 'a field the API does not know', who: 'maker', path: '/assets', body: { ...chip, assetId: 'x3', colour: 'green' }, status: 400, code: 'validation-failed' },
  { name: 'occurredAt that is not a date', who: 'maker', path: '/assets', body: { ...chip, assetId: 'x4', occurredAt: 'yesterday' }, status: 400, code: 'validation-failed' },
  { name: 'occurredAt in the future', who: 'maker', path: '/assets', body: { ...chip, assetId: 'x5', occurredAt: '2099-01-01T00:00:00Z' }, status: 422, code: 'occurred-in-future' },
  { name: 'an unknown facility', who: 'maker', path: '/assets', body: { ...chip, assetId: 'x6', facilityId: 'atlantis' }, status: 422, code: 'invalid-reference' },
  { name: 'an asset registered twice', who: 'maker', path: '/assets', body: { ...chip, assetId: 'gpu-a' }, status: 409, code: 'asset-already-exists' },
  { name: 'registering at a facility the maker does not run', who: 'maker', path: '/assets', body: { ...chip, assetId: 'x8', facilityId: 'dc' }, status: 403, code: 'not-permitted' },
  { name: 'no API key', who: 'none', path: '/assets', body: { ...chip, assetId: 'x9' }, status: 401, code: 'unauthenticated' },
  { name: 'an unknown API key', who: 'bogus', path: '/assets', body: { ...chip, assetId: 'x10' }, status: 401, code: 'unauthenticated' },
  { name: 'a carrier registering a chip', who: 'carrier', path: '/assets', body: { ...chip, assetId: 'x11' }, status: 403, code: 'not-permitted' },
  { name: 'shipping an unknown asset', who: 'maker', path: '/assets/nothing-here/shipments', body: shipment, status: 404, code: 'asset-not-found' },
  { name: 'shipping without a carrier', who: 'maker', path: '/assets/gpu-a/shipments', body: { toFacilityId: 'dc' }, status: 400, code: 'validation-failed' },
  { name: 'shipping to an unknown facility', who: 'maker', path: '/assets/gpu-a/shipments', body: { ...shipment, toFacilityId: 'atlantis' }, status: 422, code: 'invalid-reference' },
  { name: 'a carrier that is not a carrier', who: 'maker', path: '/assets/gpu-a/shipments', body: { ...shipment, carrierId: 'customs' }, status: 422, code: 'invalid-reference' },
  { name: 'shipping to where it already is', who: 'maker', path: '/assets/gpu-a/shipments', body: { ...shipment, toFacilityId: 'fab' }, status: 422, code: 'invalid-reference' },
  { name: 'shipping a chip packed in a board', who: 'maker', path: '/assets/gpu-b/shipments', body: shipment, status: 409, code: 'asset-is-packed' },
  { name: 'shipping another party\'s asset', who: 'operator', path: '/assets/gpu-a/shipments', body: shipment, status: 403, code: 'not-permitted' },
  { name: 'receiving an asset that is not in transit', who: 'maker', path: '/assets/gpu-a/receipts', body: { facilityId: 'fab' }, status: 409, code: 'invalid-transition' },
  { name: 'a manufacturer holding at customs', who: 'maker', path: '/assets/gpu-c/customs-holds', body: { country: 'DE', reason: 'x' }, status: 403, code: 'not-permitted' },
  { name: 'clearing an asset customs does not hold', who: 'customs', path: '/assets/gpu-c/customs-clearances', body: {}, status: 409, code: 'not-held-by-customs' },
  { name: 'a customs hold in a country that does not exist', who: 'customs', path: '/assets/gpu-c/customs-holds', body: { country: 'XX', reason: 'x' }, status: 400, code: 'validation-failed' },
  { name: 'packing into a chip', who: 'maker', path: '/assets/gpu-a/packing', body: { childIds: ['rack-x'] }, status: 422, code: 'not-a-container' },
  { name: 'packing nothing', who: 'maker', path: '/assets/rack-x/packing', body: { childIds: [] }, status: 400, code: 'validation-failed' },
  { name: 'packing the same child twice', who: 'maker', path: '/assets/rack-x/packing', body: { childIds: ['gpu-a', 'gpu-a'] }, status: 400, code: 'validation-failed' },
  { name: 'packing an unknown asset', who: 'maker', path: '/assets/rack-x/packing', body: { childIds: ['ghost'] }, status: 422, code: 'invalid-reference' },
  { name: 'packing a container into itself', who: 'maker', path: '/assets/rack-x/packing', body: { childIds: ['rack-x'] }, status: 422, code: 'packing-cycle' },
  { name: 'packing a chip already in another board', who: 'maker', path: '/assets/rack-x/packing', body: { childIds: ['gpu-b'] }, status: 409, code: 'already-packed' },
  { name: 'unpacking what is not inside', who: 'maker', path: '/assets/board-a/unpacking', body: { childIds: ['gpu-a'] }, status: 409, code: 'not-packed-in' },
  { name: 'installing outside a datacenter', who: 'maker', path: '/assets/gpu-a/installations', body: { cluster: 'c1' }, status: 422, code: 'invalid-reference' },
  { name: 'destroying what was not decommissioned', who: 'maker', path: '/assets/gpu-a/destruction', body: { certificateRef: 'C-1' }, status: 409, code: 'invalid-transition' },
  { name: 'transferring ownership of what one does not own', who: 'operator', path: '/assets/gpu-a/ownership-transfers', body: { toOwnerId: 'operator' }, status: 403, code: 'not-permitted' },
  { name: 'malformed JSON', who: 'maker', path: '/assets', body: '{"assetId": "x12",', headers: { 'Content-Type': 'application/json' }, status: 400, code: 'malformed-json' },
  { name: 'an oversized body', who: 'maker', path: '/assets', body: { ...chip, assetId: 'x13', serialNumber: 'x'.repeat(100_000) }, status: 413, code: 'body-too-large' },
  { name: 'a body that is not JSON', who: 'maker', path: '/assets', body: 'assetId=x14', headers: { 'Content-Type': 'text/plain' }, status: 415, code: 'unsupported-media-type' },
  { name: 'an id in the path that cannot be a stream name', who: 'maker', path: '/assets/bad%20id/shipments', body: shipment, status: 400, code: 'validation-failed' },
  { name: 'a malformed If-Match', who: 'maker', path: '/assets/gpu-a/shipments', body: shipment, headers: { 'If-Match': 'banana' }, status: 400, code: 'validation-failed' },
  { name: 'an Idempotency-Key of 300 characters', who: 'maker', path: '/assets/gpu-a/shipments', body: shipment, headers: { 'Idempotency-Key': 'k'.repeat(300) }, status: 400, code: 'validation-failed' },
  { name: 'a non-admin registering a party', who: 'maker', path: '/parties', body: { partyId: 'p1', name: 'P', roles: ['carrier'], country: 'US' }, status: 403, code: 'not-permitted' },
  { name: 'a party with an unknown role', who: 'admin', path: '/parties', body: { partyId: 'p2', name: 'P', roles: ['pirate'], country: 'US' }, status: 400, code: 'validation-failed' },
  { name: 'a party in no country', who: 'admin', path: '/parties', body: { partyId: 'p3', name: 'P', roles: ['carrier'], country: 'Narnia' }, status: 400, code: 'validation-failed' },
  { name: 'a facility run by nobody', who: 'admin', path: '/facilities', body: { facilityId: 'f1', name: 'F', kind: 'warehouse', country: 'US', operatorId: 'ghost' }, status: 422, code: 'invalid-reference' },
  { name: 'a key for an unknown party', who: 'admin', path: '/parties/ghost/api-keys', body: {}, status: 404, code: 'not-registered' },
  { name: 'reading another party\'s asset', who: 'stranger', method: 'get', path: '/assets/gpu-a', status: 404, code: 'asset-not-found' },
  { name: 'history as of a non-date', who: 'maker', method: 'get', path: '/assets/gpu-a/history?asOf=last-week', status: 400, code: 'validation-failed' },
  { name: 'a page of zero assets', who: 'maker', method: 'get', path: '/assets?limit=0', status: 400, code: 'validation-failed' },
  { name: 'an unknown filter', who: 'maker', method: 'get', path: '/assets?colour=green', status: 400, code: 'validation-failed' },
  { name: 'a malformed position', who: 'maker', method: 'get', path: '/assets/gpu-a?position=abc', status: 400, code: 'validation-failed' },
  { name: 'an unknown route', who: 'maker', method: 'get', path: '/teleport', status: 404, code: 'not-found' },
];

describeOnEachStore('bad requests', (on) => {
  let ledger: TestLedger;
  let store: EventStore;
  const keys = {} as Record<Who, string>;

  beforeAll(async () => {
    ledger = await on.start();
    store = ledger.app.get<EventStore>(EVENT_STORE);
    keys.admin = ledger.adminKey;
    keys.maker = await ledger.registerParty('maker', ['manufacturer'], 'TW');
    keys.carrier = await ledger.registerParty('carrier', ['carrier'], 'NL');
    keys.operator = await ledger.registerParty('operator', ['operator'], 'DE');
    keys.customs = await ledger.registerParty('customs', ['customs'], 'DE');
    keys.stranger = await ledger.registerParty('stranger', ['operator'], 'FR');
    keys.bogus = 'cl_not-a-key';
    await ledger.registerFacility('fab', 'maker', 'TW', 'assembly');
    await ledger.registerFacility('dc', 'operator', 'DE', 'datacenter');
    for (const assetId of ['gpu-a', 'gpu-b', 'gpu-c']) await ledger.post('/assets', keys.maker, { ...chip, assetId }).expect(201);
    await ledger.post('/assets', keys.maker, { assetId: 'board-a', kind: 'board', model: 'baseboard', facilityId: 'fab' }).expect(201);
    await ledger.post('/assets', keys.maker, { assetId: 'rack-x', kind: 'rack', model: 'rack', facilityId: 'fab' }).expect(201);
    await ledger.post('/assets/board-a/packing', keys.maker, { childIds: ['gpu-b'] }).expect(201);
    await ledger.post('/assets/gpu-c/shipments', keys.maker, shipment).expect(201);
  });

  afterAll(() => ledger.close());

  it('has at least 30 cases', () => expect(BAD_REQUESTS.length).toBeGreaterThanOrEqual(30));

  /**
   * Events other than the server's own written at or after `before` (the head, system events included): none, if
   * the log is unchanged. The embedded store writes nothing else; EventStoreDB adds system events of its own, which
   * the adapter never returns, so only the ledger's (or any client's) events count.
   */
  const writtenSince = async (before: GlobalPosition | null): Promise<string[]> => {
    const written: string[] = [];
    for await (const event of store.readAll({ fromPosition: before ?? undefined })) {
      if (!before || comparePositions(event.position, before) > 0) written.push(`${event.streamName}: ${event.type}`);
    }
    return written;
  };

  it.each(BAD_REQUESTS.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const before = await store.headPosition();
    let call = ledger.http()[c.method ?? 'post'](c.path);
    if (c.who !== 'none') call = call.set('Authorization', `Bearer ${keys[c.who]}`);
    for (const [name, value] of Object.entries(c.headers ?? {})) call = call.set(name, value);
    const response = await (c.body === undefined ? call : call.send(c.body as object));
    expect({ status: response.status, code: response.body.code }).toEqual({ status: c.status, code: c.code });
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: c.status, type: expect.stringContaining(c.code), title: expect.any(String), detail: expect.any(String) });
    expect(await writtenSince(before)).toEqual([]);
  });

  it('validates every request alike, whether the same shapes came before or not (empty and invalid, in turn)', async () => {
    for (let round = 0; round < 2; round++) {
      await ledger.get('/assets/gpu-a', keys.maker).expect(200);
      const badPosition = await ledger.get('/assets/gpu-a?position=soon', keys.maker).expect(400);
      expect(badPosition.body.code).toBe('validation-failed');
      await ledger.get('/assets?limit=0', keys.maker).expect(400);
      await ledger.get('/assets', keys.maker).expect(200);
      const emptyBody = await ledger.post('/assets', keys.maker, {}).expect(400);
      expect(emptyBody.body.code).toBe('validation-failed');
      expect(emptyBody.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['assetId', 'kind', 'model', 'facilityId']));
      const unknownField = await ledger.post('/assets/gpu-a/uninstallations', keys.maker, { extra: 1 }).expect(400);
      expect(unknownField.body.code).toBe('validation-failed');
    }
  });
});
