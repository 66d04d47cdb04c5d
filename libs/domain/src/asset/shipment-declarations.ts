import { InvalidReference } from '../core/common.errors';
import { isIsoCountry } from '../core/iso-country';

/**
 * What a shipper declares about a shipment besides where it goes. A licence reference is an identifier, not prose:
 * letters and digits, with inner spaces, dots, slashes, hyphens or underscores (BIS "D123456", "DE-AUS/2026.0042").
 */
export const LICENCE_REFERENCE_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9 ./_-]{0,62}[A-Za-z0-9])?$/;
export const LICENCE_REFERENCE_MAX_LENGTH = 64;

/** Transshipment hubs on the way; more than this is no longer a route but a tour. */
export const MAX_TRANSIT_COUNTRIES = 10;

/**
 * Checks the declarations against the route. Only malformed or self-contradicting input is refused: a licence that is
 * missing or a route through a country of concern is recorded as declared, never refused by policy.
 */
export const requireValidShipmentDeclarations = (
  declared: { readonly exportLicence?: string; readonly transitCountries?: readonly string[] },
  originCountry: string,
  destinationCountry: string,
): void => {
  const licence = declared.exportLicence;
  if (licence !== undefined && !LICENCE_REFERENCE_PATTERN.test(licence)) {
    throw new InvalidReference('exportLicence', licence, `not a licence reference (letters and digits, at most ${LICENCE_REFERENCE_MAX_LENGTH})`);
  }
  const transit = declared.transitCountries ?? [];
  if (transit.length > MAX_TRANSIT_COUNTRIES) {
    throw new InvalidReference('transitCountries', transit.join(','), `at most ${MAX_TRANSIT_COUNTRIES} transit countries`);
  }
  for (const [index, country] of transit.entries()) {
    const problem = !isIsoCountry(country) ? 'not an ISO 3166-1 alpha-2 country code'
      : transit.indexOf(country) !== index ? 'listed twice'
        : country === originCountry ? 'the origin country, not a transit country'
          : country === destinationCountry ? 'the destination country, not a transit country'
            : null;
    if (problem) throw new InvalidReference('transitCountries', country, problem);
  }
};
