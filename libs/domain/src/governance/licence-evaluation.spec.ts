import fc from 'fast-check';
import { ACCELERATOR_MODELS } from '../catalogue/accelerator-models';
import { ISO_COUNTRIES } from '../core/iso-country';
import rulesV1 from './export-rules.v1.json';
import { parseExportRules } from './export-rules';
import { EXPORT_RULES } from './export-rule-set';
import { evaluateLicence } from './licence-evaluation';
import type { LicenceQuestion, ShippedItem } from './licence-evaluation';

const chip = (assetId: string, model: string): ShippedItem => ({ assetId, kind: 'chip', model });
const H100 = chip('gpu-1', 'nvidia-h100-sxm');
const H20 = chip('gpu-2', 'nvidia-h20');

const shipment = (overrides: Partial<LicenceQuestion> = {}): LicenceQuestion => ({
  items: [H100], originCountry: 'TW', transitCountries: [], destinationCountry: 'DE', destinationHeadquartersCountry: null,
  businessTime: '2026-11-20T08:30:00Z', licenceReference: null, ...overrides,
});

const BOTH_RULES = [{ id: 'eccn-3a090', version: 1 }, { id: 'nvidia-h20-china', version: 1 }];

describe('evaluating a shipment against the export rules in force at its business time', () => {
  it.each([
    { case: 'an H100 to China', to: 'CN', hq: null },
    { case: 'an H100 to Macau (named on its own)', to: 'MO', hq: null },
    { case: 'an H100 to Russia (D:1, D:4, D:5)', to: 'RU', hq: null },
    { case: 'an H100 to the UAE (D:4, in no A group)', to: 'AE', hq: null },
  ])('requires a licence for $case, under eccn-3a090 v1, by destination', ({ to, hq }) => {
    expect(evaluateLicence(shipment({ destinationCountry: to, destinationHeadquartersCountry: hq }))).toEqual({
      outcome: 'licence-required', licenceMissing: true,
      requiredBy: [{ id: 'eccn-3a090', version: 1, trigger: 'destination', assetIds: ['gpu-1'] }],
      undetermined: [], rulesInForce: BOTH_RULES, ruleSetVersion: 1, beforeCoverage: false,
    });
  });

  it.each([
    { case: 'Germany (A:5)', to: 'DE' },
    { case: 'Israel (D:4, but also A:6)', to: 'IL' },
    { case: 'the United States', to: 'US' },
  ])('needs no licence for an H100 to $case', ({ to }) => {
    expect(evaluateLicence(shipment({ destinationCountry: to }))).toMatchObject({
      outcome: 'not-required', licenceMissing: false, requiredBy: [], rulesInForce: BOTH_RULES,
    });
  });

  it('is not a licence-missing case when the shipment names a licence', () => {
    expect(evaluateLicence(shipment({ destinationCountry: 'CN', licenceReference: 'BIS-L-2026-7' }))).toMatchObject({
      outcome: 'licence-required', licenceMissing: false,
    });
    expect(evaluateLicence(shipment({ destinationCountry: 'CN', licenceReference: '  ' }))).toMatchObject({ licenceMissing: true });
  });

  it('requires a licence for a party headquartered in D:5 or Macau wherever the shipment goes', () => {
    for (const hq of ['CN', 'MO']) {
      expect(evaluateLicence(shipment({ destinationCountry: 'DE', destinationHeadquartersCountry: hq }))).toMatchObject({
        outcome: 'licence-required', licenceMissing: true,
        requiredBy: [{ id: 'eccn-3a090', version: 1, trigger: 'headquarters', assetIds: ['gpu-1'] }],
      });
    }
    // The UAE is in D:4, not D:5: a party headquartered there triggers nothing by itself.
    expect(evaluateLicence(shipment({ destinationCountry: 'DE', destinationHeadquartersCountry: 'AE' })).outcome).toBe('not-required');
  });

  it('needs no licence for a move within one country, whoever it is for', () => {
    expect(evaluateLicence(shipment({ originCountry: 'CN', destinationCountry: 'CN', destinationHeadquartersCountry: 'CN' })))
      .toMatchObject({ outcome: 'not-required', licenceMissing: false, requiredBy: [] });
  });

  it('does not treat a declared transit country as a destination', () => {
    expect(evaluateLicence(shipment({ transitCountries: ['HK', 'AE'], destinationCountry: 'JP' })).outcome).toBe('not-required');
  });

  it('answers the H20 to China by the rule in force on each side of 9 April 2025, naming the versions it used', () => {
    const h20ToChina = (businessTime: string) => evaluateLicence(shipment({ items: [H20], destinationCountry: 'CN', businessTime }));
    expect(h20ToChina('2025-04-08T23:59:59Z')).toEqual({
      outcome: 'not-required', licenceMissing: false, requiredBy: [], undetermined: [],
      rulesInForce: [{ id: 'eccn-3a090', version: 1 }], ruleSetVersion: 1, beforeCoverage: false,
    });
    expect(h20ToChina('2025-04-09T00:00:00Z')).toEqual({
      outcome: 'licence-required', licenceMissing: true,
      requiredBy: [{ id: 'nvidia-h20-china', version: 1, trigger: 'destination', assetIds: ['gpu-2'] }],
      undetermined: [], rulesInForce: BOTH_RULES, ruleSetVersion: 1, beforeCoverage: false,
    });
  });

  it('has no headquarters test for the H20 rule: an H20 to Germany for a Chinese party needs none', () => {
    expect(evaluateLicence(shipment({ items: [H20], destinationHeadquartersCountry: 'CN' })).outcome).toBe('not-required');
  });

  it('evaluates a unit by the chips it contains (4A090), not by its own model', () => {
    const server: ShippedItem = { assetId: 'srv-1', kind: 'server', model: 'nvidia-dgx-h100' };
    const rack: ShippedItem = { assetId: 'rack-1', kind: 'rack', model: 'rack-42u' };
    const contents = [rack, server, H100, chip('gpu-3', 'nvidia-h100-sxm'), H20];
    expect(evaluateLicence(shipment({ items: contents, destinationCountry: 'CN' }))).toMatchObject({
      outcome: 'licence-required',
      requiredBy: [
        { id: 'eccn-3a090', version: 1, trigger: 'destination', assetIds: ['gpu-1', 'gpu-3'] },
        { id: 'nvidia-h20-china', version: 1, trigger: 'destination', assetIds: ['gpu-2'] },
      ],
    });
    expect(evaluateLicence(shipment({ items: [rack, server], destinationCountry: 'CN' })).outcome).toBe('not-required');
  });

  it('cannot decide for a chip of a model the catalogue lacks, only where a rule reaches the destination', () => {
    const unknown = chip('gpu-9', 'acme-x9');
    expect(evaluateLicence(shipment({ items: [unknown], destinationCountry: 'CN' }))).toMatchObject({
      outcome: 'undetermined', licenceMissing: false, requiredBy: [],
      undetermined: [{ assetId: 'gpu-9', model: 'acme-x9', reason: 'unknown-model' }],
    });
    expect(evaluateLicence(shipment({ items: [unknown], destinationCountry: 'DE' })).outcome).toBe('not-required');
    expect(evaluateLicence(shipment({ items: [H100, unknown], destinationCountry: 'CN' }))).toMatchObject({
      outcome: 'licence-required', licenceMissing: true, undetermined: [{ assetId: 'gpu-9', reason: 'unknown-model' }],
    });
  });

  it('cannot decide for a model whose classification the catalogue leaves undetermined', () => {
    const lookup = (id: string) => {
      const model = ACCELERATOR_MODELS.find((m) => m.id === id);
      return model && { ...model, eccn3a090: 'undetermined' as const };
    };
    expect(evaluateLicence(shipment({ destinationCountry: 'CN' }), EXPORT_RULES, lookup)).toMatchObject({
      outcome: 'undetermined', undetermined: [{ assetId: 'gpu-1', reason: 'classification-undetermined' }],
    });
  });

  it('says nothing certain before the data\'s coverage (the earlier rules are not recorded)', () => {
    expect(evaluateLicence(shipment({ destinationCountry: 'CN', businessTime: '2023-06-01T00:00:00Z' }))).toEqual({
      outcome: 'undetermined', licenceMissing: false, requiredBy: [], undetermined: [], rulesInForce: [], ruleSetVersion: 1,
      beforeCoverage: true,
    });
  });

  it('reads the business time with its offset: 9 April 2025 00:30+02:00 is still 8 April in UTC', () => {
    const h20 = shipment({ items: [H20], destinationCountry: 'CN', businessTime: '2025-04-09T00:30:00+02:00' });
    expect(evaluateLicence(h20).outcome).toBe('not-required');
  });
});

/** The shipped data as plain records, to amend the way a maintainer would edit the file. */
type EditableRules = { rules: Record<string, unknown>[]; countryGroups: Record<string, unknown>[] };
const editableRules = (): EditableRules => JSON.parse(JSON.stringify(rulesV1));
const knownModels = new Set(ACCELERATOR_MODELS.map((model) => model.id));

describe('a rule change is a data change', () => {
  /** The shipped data, with a second version of the 3A090 rule from 2027 that no longer reaches D:4. */
  const amended = () => {
    const doc = editableRules();
    const v1 = doc.rules[0];
    v1.effectiveUntil = '2027-01-01';
    doc.rules.push({
      ...v1, version: 2, effectiveFrom: '2027-01-01', effectiveUntil: null,
      destinations: { ...(v1.destinations as object), groups: ['D:1', 'D:5', 'Macau'] },
    });
    return parseExportRules(doc, knownModels);
  };

  it('answers the same shipment differently on either side of the new version\'s date, each naming its version', () => {
    const rules = amended();
    const toUae = (businessTime: string) => evaluateLicence(shipment({ originCountry: 'US', destinationCountry: 'AE', businessTime }), rules);
    expect(toUae('2026-12-31T23:59:59Z')).toMatchObject({
      outcome: 'licence-required', requiredBy: [{ id: 'eccn-3a090', version: 1, trigger: 'destination' }],
      rulesInForce: [{ id: 'eccn-3a090', version: 1 }, { id: 'nvidia-h20-china', version: 1 }],
    });
    expect(toUae('2027-01-01T00:00:00Z')).toMatchObject({
      outcome: 'not-required', requiredBy: [],
      rulesInForce: [{ id: 'nvidia-h20-china', version: 1 }, { id: 'eccn-3a090', version: 2 }],
    });
    // China stays covered under version 2, and the answer says so.
    expect(evaluateLicence(shipment({ destinationCountry: 'CN', businessTime: '2027-06-01T00:00:00Z' }), rules).requiredBy)
      .toEqual([{ id: 'eccn-3a090', version: 2, trigger: 'destination', assetIds: ['gpu-1'] }]);
  });

  it('moves a country between groups by a new group version, not by a new rule', () => {
    const doc = editableRules();
    const a5 = doc.countryGroups.find((group) => group.id === 'A:5') as Record<string, unknown>;
    a5.effectiveUntil = '2027-01-01';
    doc.countryGroups.push({ ...a5, version: 2, effectiveFrom: '2027-01-01', effectiveUntil: null, members: [...(a5.members as string[]), 'AE'] });
    const rules = parseExportRules(doc, knownModels);
    const toUae = (businessTime: string) => evaluateLicence(shipment({ destinationCountry: 'AE', businessTime }), rules).outcome;
    expect([toUae('2026-12-31T12:00:00Z'), toUae('2027-01-01T12:00:00Z')]).toEqual(['licence-required', 'not-required']);
  });
});

describe('evaluation invariants', () => {
  const models = [...ACCELERATOR_MODELS.map((model) => model.id), 'acme-x9'];
  const country = fc.constantFrom(...ISO_COUNTRIES);
  const question = fc.record({
    items: fc.array(fc.record({ assetId: fc.uuid(), kind: fc.constantFrom('chip' as const, 'server' as const), model: fc.constantFrom(...models) }), { maxLength: 6 }),
    originCountry: country, transitCountries: fc.array(country, { maxLength: 2 }), destinationCountry: country,
    destinationHeadquartersCountry: fc.option(country), licenceReference: fc.option(fc.constantFrom('BIS-L-1', '')),
    businessTime: fc.date({ min: new Date('2023-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
  });

  it('never requires a licence within one country, and flags a missing licence exactly when one is required and none named', () => {
    fc.assert(fc.property(question, (q) => {
      const result = evaluateLicence(q);
      if (q.originCountry === q.destinationCountry) expect(result.outcome).toBe('not-required');
      expect(result.licenceMissing).toBe(result.outcome === 'licence-required' && !q.licenceReference);
      expect(result.requiredBy.length > 0).toBe(result.outcome === 'licence-required');
      for (const finding of result.requiredBy) expect(result.rulesInForce).toContainEqual({ id: finding.id, version: finding.version });
    }), { numRuns: 300 });
  });
});
