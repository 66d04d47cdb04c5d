import type { Role } from '@chip-ledger/domain';
import { describeOnEachStore } from '../support/ledger-stores';
import type { TestLedger } from '../support/ledger-test-app';

/**
 * Each role against each command. One party per role; the manufacturer runs the fab and the operator runs the
 * datacenter. Every case starts from a fresh asset brought (by the rightful parties) to the state the command needs,
 * so a refusal can only come from who is asking.
 */
const ROLE_PARTIES: Record<Role, string> = {
  manufacturer: 'maker', carrier: 'carrier', operator: 'dc-op', customs: 'customs', investigator: 'investigator', admin: 'admin',
};

type Setup = (ledger: TestLedger, keys: Record<Role, string>, id: string) => Promise<void>;
type Case = {
  readonly command: string;
  readonly allowed: readonly Role[];
  readonly setup: Setup;
  readonly request: (id: string, n: number) => { path: string; body: object };
};

const ok = async (call: Promise<{ status: number; body: unknown }>) => {
  const response = await call;
  if (response.status !== 201) throw new Error(`setup failed: ${response.status} ${JSON.stringify(response.body)}`);
};
const made: Setup = (l, k, id) => ok(l.post('/assets', k.manufacturer, { assetId: id, kind: 'server', model: 'srv', facilityId: 'fab' }));
const withChip: Setup = async (l, k, id) => {
  await made(l, k, id);
  await ok(l.post('/assets', k.manufacturer, { assetId: `${id}-chip`, kind: 'chip', model: 'nvidia-b200', facilityId: 'fab' }));
};
const packed: Setup = async (l, k, id) => {
  await withChip(l, k, id);
  await ok(l.post(`/assets/${id}/packing`, k.manufacturer, { childIds: [`${id}-chip`] }));
};
const shipped: Setup = async (l, k, id) => {
  await made(l, k, id);
  await ok(l.post(`/assets/${id}/shipments`, k.manufacturer, { toFacilityId: 'dc', carrierId: 'carrier' }));
};
const held: Setup = async (l, k, id) => {
  await shipped(l, k, id);
  await ok(l.post(`/assets/${id}/customs-holds`, k.customs, { country: 'DE', reason: 'check' }));
};
const atDatacenter: Setup = async (l, k, id) => {
  await shipped(l, k, id);
  await ok(l.post(`/assets/${id}/receipts`, k.operator, { facilityId: 'dc' }));
};
const installed: Setup = async (l, k, id) => {
  await atDatacenter(l, k, id);
  await ok(l.post(`/assets/${id}/installations`, k.operator, { cluster: 'c1' }));
};
const decommissioned: Setup = async (l, k, id) => {
  await atDatacenter(l, k, id);
  await ok(l.post(`/assets/${id}/decommissioning`, k.operator, { reason: 'eol' }));
};
const missing: Setup = async (l, k, id) => {
  await made(l, k, id);
  await ok(l.post(`/assets/${id}/missing-reports`, k.manufacturer, { circumstances: 'gone' }));
};
const nothing: Setup = async () => undefined;

const CASES: readonly Case[] = [
  { command: 'ManufactureAsset', allowed: ['manufacturer'], setup: nothing,
    request: (id) => ({ path: '/assets', body: { assetId: id, kind: 'chip', model: 'nvidia-h100-sxm', facilityId: 'fab' } }) },
  { command: 'PackAssets', allowed: ['manufacturer'], setup: withChip, request: (id) => ({ path: `/assets/${id}/packing`, body: { childIds: [`${id}-chip`] } }) },
  { command: 'UnpackAssets', allowed: ['manufacturer'], setup: packed, request: (id) => ({ path: `/assets/${id}/unpacking`, body: { childIds: [`${id}-chip`] } }) },
  { command: 'ShipAsset', allowed: ['manufacturer'], setup: made, request: (id) => ({ path: `/assets/${id}/shipments`, body: { toFacilityId: 'dc', carrierId: 'carrier' } }) },
  { command: 'HoldAtCustoms', allowed: ['customs'], setup: shipped, request: (id) => ({ path: `/assets/${id}/customs-holds`, body: { country: 'DE', reason: 'r' } }) },
  { command: 'ClearCustoms', allowed: ['customs'], setup: held, request: (id) => ({ path: `/assets/${id}/customs-clearances`, body: {} }) },
  { command: 'ReceiveAsset', allowed: ['operator'], setup: shipped, request: (id) => ({ path: `/assets/${id}/receipts`, body: { facilityId: 'dc' } }) },
  { command: 'TransferOwnership', allowed: ['manufacturer'], setup: made, request: (id) => ({ path: `/assets/${id}/ownership-transfers`, body: { toOwnerId: 'dc-op' } }) },
  { command: 'InstallAsset', allowed: ['operator'], setup: atDatacenter, request: (id) => ({ path: `/assets/${id}/installations`, body: { cluster: 'c1' } }) },
  { command: 'UninstallAsset', allowed: ['operator'], setup: installed, request: (id) => ({ path: `/assets/${id}/uninstallations`, body: {} }) },
  { command: 'DecommissionAsset', allowed: ['operator'], setup: atDatacenter, request: (id) => ({ path: `/assets/${id}/decommissioning`, body: { reason: 'eol' } }) },
  { command: 'DestroyAsset', allowed: ['operator'], setup: decommissioned, request: (id) => ({ path: `/assets/${id}/destruction`, body: { certificateRef: 'C' } }) },
  { command: 'ReportAssetMissing', allowed: ['manufacturer', 'investigator'], setup: made, request: (id) => ({ path: `/assets/${id}/missing-reports`, body: { circumstances: 'c' } }) },
  { command: 'RecoverAsset', allowed: ['operator', 'investigator'], setup: missing, request: (id) => ({ path: `/assets/${id}/recoveries`, body: { facilityId: 'dc' } }) },
  { command: 'AttestLocation', allowed: ['manufacturer', 'customs', 'investigator'], setup: made,
    request: (id) => ({ path: `/assets/${id}/location-attestations`, body: { observedFacilityId: 'fab', method: 'inspection' } }) },
  { command: 'RegisterParty', allowed: ['admin'], setup: nothing,
    request: (id) => ({ path: '/parties', body: { partyId: id, name: 'N', roles: ['carrier'], country: 'US' } }) },
  { command: 'RegisterFacility', allowed: ['admin'], setup: nothing,
    request: (id) => ({ path: '/facilities', body: { facilityId: id, name: 'N', kind: 'warehouse', country: 'US', operatorId: 'carrier' } }) },
  { command: 'IssueApiKey', allowed: ['admin'], setup: nothing, request: () => ({ path: '/parties/carrier/api-keys', body: {} }) },
];

const ROLES = Object.keys(ROLE_PARTIES) as Role[];

describeOnEachStore('authorization matrix: each role against each command', (on) => {
  let ledger: TestLedger;
  const keys = {} as Record<Role, string>;
  let n = 0;

  beforeAll(async () => {
    ledger = await on.start();
    keys.admin = ledger.adminKey;
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      keys[role] = await ledger.registerParty(ROLE_PARTIES[role], [role], role === 'manufacturer' ? 'TW' : 'DE');
    }
    await ledger.registerFacility('fab', 'maker', 'TW', 'assembly');
    await ledger.registerFacility('dc', 'dc-op', 'DE', 'datacenter');
  });

  afterAll(() => ledger.close());

  const table = CASES.flatMap((c) => ROLES.map((role) => [c.command, role, c.allowed.includes(role) ? 201 : 403, c] as const));

  it.each(table)('%s by %s answers %i', async (_command, role, expected, c) => {
    const id = `m${++n}`;
    await c.setup(ledger, keys, id);
    const { path, body } = c.request(id, n);
    const response = await ledger.post(path, keys[role], body);
    expect({ status: response.status, code: response.body.code }).toEqual(
      expected === 201 ? { status: 201, code: undefined } : { status: 403, code: 'not-permitted' },
    );
  });
});

/**
 * Who may read what. Each scenario brings fresh assets to a state by the rightful parties; each party then reads the
 * asset, its history and the list filtered to it (by its unique serial number): all three answer, or none does (404,
 * and absent from the list). A container's contents are read where the container is.
 */
type ReadScenario = {
  readonly name: string;
  /** Brings `id` (a server holding `${id}-chip`) to the state read; returns the last write's position. */
  readonly setup: (ledger: TestLedger, keys: Record<string, string>, id: string) => Promise<string>;
  readonly readers: readonly string[];
};

const READERS = ['maker', 'carrier', 'other-carrier', 'dc-op', 'other-op', 'customs', 'fr-customs', 'investigator', 'admin'];

const must = async (call: Promise<{ status: number; body: { position?: string } }>): Promise<string> => {
  const response = await call;
  if (response.status !== 201) throw new Error(`setup failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.position as string;
};
const packedServer = async (l: TestLedger, k: Record<string, string>, id: string) => {
  await must(l.post('/assets', k.maker, { assetId: id, kind: 'server', model: 'srv', serialNumber: id, facilityId: 'fab' }));
  await must(l.post('/assets', k.maker, { assetId: `${id}-chip`, kind: 'chip', model: 'nvidia-b200', serialNumber: `${id}-chip`, facilityId: 'fab' }));
  return must(l.post(`/assets/${id}/packing`, k.maker, { childIds: [`${id}-chip`] }));
};
const shippedToDc = async (l: TestLedger, k: Record<string, string>, id: string) => {
  await packedServer(l, k, id);
  return must(l.post(`/assets/${id}/shipments`, k.maker, { toFacilityId: 'dc', carrierId: 'carrier' }));
};

const READ_SCENARIOS: readonly ReadScenario[] = [
  { name: 'at the fab', setup: packedServer, readers: ['maker', 'investigator', 'admin'] },
  {
    name: 'in transit from TW to a DE facility', setup: shippedToDc,
    readers: ['maker', 'carrier', 'dc-op', 'customs', 'investigator', 'admin'],
  },
  {
    name: 'held and cleared by DE customs, then received',
    setup: async (l, k, id) => {
      await shippedToDc(l, k, id);
      await must(l.post(`/assets/${id}/customs-holds`, k.customs, { reason: 'check' }));
      await must(l.post(`/assets/${id}/customs-clearances`, k.customs, {}));
      return must(l.post(`/assets/${id}/receipts`, k['dc-op'], { facilityId: 'dc' }));
    },
    readers: ['maker', 'carrier', 'dc-op', 'customs', 'investigator', 'admin'],
  },
  {
    name: 'moved within DE by another carrier, to another operator',
    setup: async (l, k, id) => {
      await packedServer(l, k, id);
      await must(l.post(`/assets/${id}/shipments`, k.maker, { toFacilityId: 'dc-2', carrierId: 'other-carrier' }));
      await must(l.post(`/assets/${id}/receipts`, k['other-op'], { facilityId: 'dc-2' }));
      return must(l.post(`/assets/${id}/shipments`, k['other-op'], { toFacilityId: 'dc-3', carrierId: 'other-carrier' }));
    },
    // From TW into DE (German customs), then within DE to dc-3 (dc-op's): no French link anywhere.
    readers: ['maker', 'other-carrier', 'other-op', 'dc-op', 'customs', 'investigator', 'admin'],
  },
];

describeOnEachStore('authorization matrix: who may read what', (on) => {
  let ledger: TestLedger;
  const keys: Record<string, string> = {};
  let n = 0;

  beforeAll(async () => {
    ledger = await on.start();
    keys.admin = ledger.adminKey;
    keys.maker = await ledger.registerParty('maker', ['manufacturer'], 'TW');
    keys.carrier = await ledger.registerParty('carrier', ['carrier'], 'NL');
    keys['other-carrier'] = await ledger.registerParty('other-carrier', ['carrier'], 'DE');
    keys['dc-op'] = await ledger.registerParty('dc-op', ['operator'], 'DE');
    keys['other-op'] = await ledger.registerParty('other-op', ['operator'], 'DE');
    keys.customs = await ledger.registerParty('customs', ['customs'], 'DE');
    keys['fr-customs'] = await ledger.registerParty('fr-customs', ['customs'], 'FR');
    keys.investigator = await ledger.registerParty('investigator', ['investigator'], 'CH');
    await ledger.registerFacility('fab', 'maker', 'TW', 'assembly');
    await ledger.registerFacility('dc', 'dc-op', 'DE', 'datacenter');
    await ledger.registerFacility('dc-2', 'other-op', 'DE', 'datacenter');
    await ledger.registerFacility('dc-3', 'dc-op', 'DE', 'datacenter');
  });

  afterAll(() => ledger.close());

  it.each(READ_SCENARIOS.map((s) => [s.name, s] as const))('an asset %s', async (_name, scenario) => {
    const id = `r${++n}`;
    const position = await scenario.setup(ledger, keys, id);
    const seen: Record<string, string> = {};
    for (const party of READERS) {
      for (const assetId of [id, `${id}-chip`]) {
        const asset = await ledger.get(`/assets/${assetId}?position=${position}`, keys[party]);
        const history = await ledger.get(`/assets/${assetId}/history?position=${position}`, keys[party]);
        const list = await ledger.get(`/assets?serialNumber=${assetId}&position=${position}`, keys[party]).expect(200);
        const listed = (list.body.items as { assetId: string }[]).map((a) => a.assetId);
        seen[`${party} ${assetId === id ? 'server' : 'chip'}`] = `${asset.status} ${history.status} ${listed.join(',') || 'unlisted'}`;
      }
    }
    const expected = Object.fromEntries(READERS.flatMap((party) => [
      [`${party} server`, scenario.readers.includes(party) ? `200 200 ${id}` : '404 404 unlisted'],
      [`${party} chip`, scenario.readers.includes(party) ? `200 200 ${id}-chip` : '404 404 unlisted'],
    ]));
    expect(seen).toEqual(expected);
  });
});
