import type { ShipmentRoute } from './licence-evaluation';

/**
 * Where something was seen during or after a shipment: a receipt (it arrived there) or an attestation (it was
 * observed there, possibly on the way).
 */
export type CountrySighting = { readonly kind: 'receipt' | 'attestation'; readonly country: string };

/**
 * A country-level diversion (distinct from a receipt at the wrong facility): the shipment turned up in a country it
 * never declared. A receipt belongs in the destination or a declared transit country (a transshipment hub may receive
 * it for the next leg). An attestation on the way may also come from the origin country, whose customs may hold and
 * inspect it before it leaves: flagging that would be a false alarm on every inspected export.
 */
export const isDivertedCountry = (route: ShipmentRoute, sighting: CountrySighting): boolean => {
  const expected = [route.destinationCountry, ...route.transitCountries];
  if (sighting.kind === 'attestation') expected.push(route.originCountry);
  return !expected.includes(sighting.country);
};
