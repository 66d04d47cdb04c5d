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
