import { AlreadyRegistered, InvalidReference, NotPermitted, NotRegistered } from '../core/common.errors';
import { partyStream } from '../core/stream-names';
import { ADMIN, INVESTIGATOR, MAKER, NOBODY, REGISTRY, command, given } from '../testing';
import type { PartyEvent } from './party';
import { evolveParty, initialPartyState } from './party';

const onParty = (partyId: string, ...events: PartyEvent[]) => [{ streamName: partyStream(partyId), events }];
const keyIssued = (partyId: string, keyId: string): PartyEvent => ({ type: 'ApiKeyIssued', data: { partyId, keyId, secretHash: `sha256:${keyId}` } });
const keyRevoked = (partyId: string, keyId: string): PartyEvent => ({ type: 'ApiKeyRevoked', data: { partyId, keyId } });
const withKeys = { [partyStream(MAKER.id)]: [keyIssued(MAKER.id, 'k1'), keyIssued(MAKER.id, 'k2'), keyRevoked(MAKER.id, 'k2')] };

describe('RegisterParty', () => {
  const register = (data: Partial<{ partyId: string; roles: ('carrier' | 'operator')[]; country: string }> = {}, by = ADMIN) =>
    command('RegisterParty', { partyId: 'dhl', name: 'DHL', roles: ['carrier'], country: 'DE', ...data }, by);

  it('lets an admin register a party, each role once', () =>
    given(REGISTRY).when(register({ roles: ['carrier', 'operator', 'carrier'] }))
      .then(onParty('dhl', { type: 'PartyRegistered', data: { partyId: 'dhl', name: 'DHL', roles: ['carrier', 'operator'], country: 'DE' } })));

  it.each([
    { case: 'a party that is not an admin', cmd: register({}, INVESTIGATOR), error: NotPermitted },
    { case: 'an id already registered', cmd: register({ partyId: MAKER.id }), error: AlreadyRegistered },
    { case: 'an unassigned country code', cmd: register({ country: 'XX' }), error: InvalidReference, fields: { field: 'country' } },
    { case: 'a lower-case country code', cmd: register({ country: 'de' }), error: InvalidReference, fields: { field: 'country' } },
    { case: 'an alpha-3 country code', cmd: register({ country: 'DEU' }), error: InvalidReference, fields: { field: 'country' } },
    { case: 'a party without roles', cmd: register({ roles: [] }), error: InvalidReference, fields: { field: 'roles' } },
  ])('refuses $case', ({ cmd, error, fields }) => given(REGISTRY).when(cmd).thenThrows(error, fields));
});

describe('IssueApiKey', () => {
  const issue = (partyId: string, keyId: string, by = ADMIN) =>
    command('IssueApiKey', { partyId, keyId, secretHash: `sha256:${keyId}` }, by);

  it('records only the hash of a new key', () =>
    given(REGISTRY).when(issue(MAKER.id, 'k1')).then(onParty(MAKER.id, keyIssued(MAKER.id, 'k1'))));

  it('re-issues a revoked key id', () =>
    given(REGISTRY, withKeys).when(issue(MAKER.id, 'k2')).then(onParty(MAKER.id, keyIssued(MAKER.id, 'k2'))));

  it.each([
    { case: 'a party that is not an admin', cmd: issue(MAKER.id, 'k9', MAKER), error: NotPermitted },
    { case: 'an unknown party', cmd: issue(NOBODY, 'k9'), error: NotRegistered },
    { case: 'a key id that is already active', cmd: issue(MAKER.id, 'k1'), error: InvalidReference, fields: { field: 'keyId' } },
  ])('refuses $case', ({ cmd, error, fields }) => given(REGISTRY, withKeys).when(cmd).thenThrows(error, fields));
});

describe('RevokeApiKey', () => {
  const revoke = (partyId: string, keyId: string, by = ADMIN) => command('RevokeApiKey', { partyId, keyId }, by);

  it('revokes an active key', () =>
    given(REGISTRY, withKeys).when(revoke(MAKER.id, 'k1')).then(onParty(MAKER.id, keyRevoked(MAKER.id, 'k1'))));

  it.each([
    { case: 'a party that is not an admin', cmd: revoke(MAKER.id, 'k1', MAKER), error: NotPermitted },
    { case: 'an unknown party', cmd: revoke(NOBODY, 'k1'), error: NotRegistered },
    { case: 'an unknown key', cmd: revoke(MAKER.id, 'k9'), error: InvalidReference, fields: { field: 'keyId' } },
    { case: 'a key already revoked', cmd: revoke(MAKER.id, 'k2'), error: InvalidReference, fields: { field: 'keyId' } },
    { case: 'another party\'s key', cmd: revoke(INVESTIGATOR.id, 'k1'), error: InvalidReference, fields: { field: 'keyId' } },
  ])('refuses $case', ({ cmd, error, fields }) => given(REGISTRY, withKeys).when(cmd).thenThrows(error, fields));
});

describe('evolveParty', () => {
  const registered: PartyEvent = { type: 'PartyRegistered', data: { partyId: 'p', name: 'P', roles: ['carrier'], country: 'DE' } };

  it('tracks the active keys', () =>
    expect([registered, keyIssued('p', 'a'), keyIssued('p', 'b'), keyRevoked('p', 'a')].reduce(evolveParty, initialPartyState()))
      .toEqual({ exists: true, partyId: 'p', name: 'P', roles: ['carrier'], country: 'DE', activeKeyIds: ['b'] }));

  it('ignores keys of a party that was never registered', () =>
    expect([keyIssued('p', 'a'), keyRevoked('p', 'a')].reduce(evolveParty, initialPartyState())).toEqual({ exists: false }));
});
