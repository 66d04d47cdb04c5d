import { AlreadyRegistered, InvalidReference, NotPermitted } from '../core/common.errors';
import { facilityStream } from '../core/stream-names';
import { ADMIN, DC_OPERATOR, FAB, NOBODY, REGISTRY, command, given } from '../testing';
import type { FacilityKind } from './facility';
import { FACILITY_KINDS, evolveFacility, initialFacilityState } from './facility';

const register = (data: Partial<{ facilityId: string; kind: FacilityKind; country: string; operatorId: string }> = {}, by = ADMIN) =>
  command('RegisterFacility', { facilityId: 'site-1', name: 'Site 1', kind: 'warehouse', country: 'SG', operatorId: DC_OPERATOR.id, ...data }, by);

describe('RegisterFacility', () => {
  it.each(FACILITY_KINDS)('lets an admin register a %s run by a registered party', (kind) =>
    given(REGISTRY).when(register({ kind })).then([{
      streamName: facilityStream('site-1'),
      events: [{ type: 'FacilityRegistered', data: { facilityId: 'site-1', name: 'Site 1', kind, country: 'SG', operatorId: DC_OPERATOR.id } }],
    }]));

  it.each([
    { case: 'a party that is not an admin', cmd: register({}, DC_OPERATOR), error: NotPermitted },
    { case: 'an id already registered', cmd: register({ facilityId: FAB.id }), error: AlreadyRegistered, fields: { kind: 'facility', id: FAB.id } },
    { case: 'a country that is not ISO 3166-1 alpha-2', cmd: register({ country: 'SGP' }), error: InvalidReference, fields: { field: 'country' } },
    { case: 'an operator that is not registered', cmd: register({ operatorId: NOBODY }), error: InvalidReference, fields: { field: 'operatorId' } },
  ])('refuses $case', ({ cmd, error, fields }) => given(REGISTRY).when(cmd).thenThrows(error, fields));
});

describe('evolveFacility', () => {
  it('holds what was registered', () =>
    expect(evolveFacility(initialFacilityState(), {
      type: 'FacilityRegistered', data: { facilityId: 'f', name: 'F', kind: 'port', country: 'NL', operatorId: 'o' },
    })).toEqual({ exists: true, facilityId: 'f', name: 'F', kind: 'port', country: 'NL', operatorId: 'o' }));
});
