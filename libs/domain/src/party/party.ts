import type { Actor, Role } from '../core/actor';
import { hasRole } from '../core/actor';
import type { Command, CommandMetadata } from '../core/command';
import { AlreadyRegistered, InvalidReference, NotPermitted, NotRegistered } from '../core/common.errors';
import type { Event } from '../core/event';
import { isIsoCountry } from '../core/iso-country';

export type PartyRegistered = Event<'PartyRegistered', { partyId: string; name: string; roles: readonly Role[]; country: string }>;
/** Only a hash of the key is recorded: the log is replicated and replayed, the secret must not be in it. */
export type ApiKeyIssued = Event<'ApiKeyIssued', { partyId: string; keyId: string; secretHash: string }>;
export type ApiKeyRevoked = Event<'ApiKeyRevoked', { partyId: string; keyId: string }>;
export type PartyEvent = PartyRegistered | ApiKeyIssued | ApiKeyRevoked;

export type Party = {
  readonly exists: true;
  readonly partyId: string;
  readonly name: string;
  readonly roles: readonly Role[];
  readonly country: string;
  readonly activeKeyIds: readonly string[];
};
export type PartyState = { readonly exists: false } | Party;

export type RegisterParty = Command<'RegisterParty', { partyId: string; name: string; roles: readonly Role[]; country: string }>;
export type IssueApiKey = Command<'IssueApiKey', { partyId: string; keyId: string; secretHash: string }>;
export type RevokeApiKey = Command<'RevokeApiKey', { partyId: string; keyId: string }>;
export type PartyCommand = RegisterParty | IssueApiKey | RevokeApiKey;

export const initialPartyState = (): PartyState => ({ exists: false });

export const evolveParty = (state: PartyState, event: PartyEvent): PartyState => {
  switch (event.type) {
    case 'PartyRegistered':
      return { exists: true, ...event.data, activeKeyIds: [] };
    case 'ApiKeyIssued':
      return state.exists ? { ...state, activeKeyIds: [...state.activeKeyIds, event.data.keyId] } : state;
    case 'ApiKeyRevoked':
      return state.exists ? { ...state, activeKeyIds: state.activeKeyIds.filter((id) => id !== event.data.keyId) } : state;
  }
};

const requireAdmin = (actor: Actor): void => {
  if (!hasRole(actor, 'admin')) throw new NotPermitted(actor.partyId, 'only an admin manages parties and keys');
};

const requireParty = (state: PartyState, partyId: string): Party => {
  if (!state.exists) throw new NotRegistered('party', partyId);
  return state;
};

export const decideParty = (command: PartyCommand, state: PartyState): PartyEvent[] => {
  const { actor }: CommandMetadata = command.metadata;
  requireAdmin(actor);
  switch (command.type) {
    case 'RegisterParty': {
      if (state.exists) throw new AlreadyRegistered('party', command.data.partyId);
      if (!isIsoCountry(command.data.country)) {
        throw new InvalidReference('country', command.data.country, 'not an ISO 3166-1 alpha-2 code');
      }
      if (command.data.roles.length === 0) throw new InvalidReference('roles', '[]', 'a party needs at least one role');
      return [{ type: 'PartyRegistered', data: { ...command.data, roles: [...new Set(command.data.roles)] } }];
    }
    case 'IssueApiKey': {
      const party = requireParty(state, command.data.partyId);
      // One secret per key id: a second hash under an active id would be listed twice and revoked together.
      if (party.activeKeyIds.includes(command.data.keyId)) {
        throw new InvalidReference('keyId', command.data.keyId, 'already an active key for this party');
      }
      return [{ type: 'ApiKeyIssued', data: command.data }];
    }
    case 'RevokeApiKey': {
      const party = requireParty(state, command.data.partyId);
      if (!party.activeKeyIds.includes(command.data.keyId)) {
        throw new InvalidReference('keyId', command.data.keyId, 'no such active key for this party');
      }
      return [{ type: 'ApiKeyRevoked', data: command.data }];
    }
  }
};
