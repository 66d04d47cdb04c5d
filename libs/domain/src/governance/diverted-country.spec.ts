import { isDivertedCountry } from './diverted-country';

/** Taiwan to Germany by way of Singapore and the Netherlands. */
const route = { originCountry: 'TW', transitCountries: ['SG', 'NL'], destinationCountry: 'DE' };

describe('a country-level diversion', () => {
  it.each([
    { kind: 'receipt', country: 'DE', diverted: false, why: 'the destination' },
    { kind: 'receipt', country: 'SG', diverted: false, why: 'a declared transit country (a hub receives it for the next leg)' },
    { kind: 'receipt', country: 'NL', diverted: false, why: 'another declared transit country' },
    { kind: 'receipt', country: 'MY', diverted: true, why: 'a country never declared' },
    { kind: 'receipt', country: 'TW', diverted: true, why: 'the origin: a receipt there is not the declared journey' },
    { kind: 'attestation', country: 'TW', diverted: false, why: 'the origin, where its customs may inspect it before it leaves' },
    { kind: 'attestation', country: 'SG', diverted: false, why: 'a declared transit country' },
    { kind: 'attestation', country: 'HK', diverted: true, why: 'a country never declared' },
  ] as const)('$kind in $country: diverted=$diverted ($why)', ({ kind, country, diverted }) => {
    expect(isDivertedCountry(route, { kind, country })).toBe(diverted);
  });

  it('without declared transit, anywhere but the destination is a diversion for a receipt', () => {
    const direct = { ...route, transitCountries: [] };
    expect(isDivertedCountry(direct, { kind: 'receipt', country: 'SG' })).toBe(true);
    expect(isDivertedCountry(direct, { kind: 'receipt', country: 'DE' })).toBe(false);
  });
});
