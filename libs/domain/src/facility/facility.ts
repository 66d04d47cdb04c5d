import { hasRole } from '../core/actor';
import type { Command } from '../core/command';
import { AlreadyRegistered, InvalidReference, NotPermitted } from '../core/common.errors';
import type { Event } from '../core/event';
import { isIsoCountry } from '../core/iso-country';
import type { PartyState } from '../party/party';

export const FACILITY_KINDS = ['fab', 'assembly', 'warehouse', 'datacenter', 'port', 'recycler'] as const;
export type FacilityKind = (typeof FACILITY_KINDS)[number];

export type FacilityRegistered = Event<'FacilityRegistered', {
  facilityId: string; name: string; kind: FacilityKind; country: string; operatorId: string;
}>;
export type FacilityEvent = FacilityRegistered;

export type Facility = {
  readonly exists: true; readonly facilityId: string; readonly name: string; readonly kind: FacilityKind;
  readonly country: string; readonly operatorId: string;
};
export type FacilityState = { readonly exists: false } | Facility;

export type RegisterFacility = Command<'RegisterFacility', {
  facilityId: string; name: string; kind: FacilityKind; country: string; operatorId: string;
}>;
export type FacilityCommand = RegisterFacility;

export const initialFacilityState = (): FacilityState => ({ exists: false });

export const evolveFacility = (_state: FacilityState, event: FacilityEvent): FacilityState => ({ exists: true, ...event.data });

/** The operator's state is passed in: a facility must be run by a registered party. */
export const decideFacility = (command: FacilityCommand, state: FacilityState, operator: PartyState): FacilityEvent[] => {
  const { actor } = command.metadata;
  if (!hasRole(actor, 'admin')) throw new NotPermitted(actor.partyId, 'only an admin registers facilities');
  if (state.exists) throw new AlreadyRegistered('facility', command.data.facilityId);
  if (!isIsoCountry(command.data.country)) {
    throw new InvalidReference('country', command.data.country, 'not an ISO 3166-1 alpha-2 code');
  }
  if (!operator.exists) throw new InvalidReference('operatorId', command.data.operatorId, 'no such party');
  return [{ type: 'FacilityRegistered', data: command.data }];
};
