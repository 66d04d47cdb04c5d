import rulesV1 from './export-rules.v1.json';
import { EXPORT_RULES } from './export-rule-set';
import { parseExportRules } from './export-rules';

const KNOWN_MODELS = new Set(['nvidia-h100-sxm', 'nvidia-h20']);

/** A deep copy of the shipped data file, to break one thing at a time. */
const copy = (): typeof rulesV1 => JSON.parse(JSON.stringify(rulesV1));

describe('the export rules data (export-rules.v1.json)', () => {
  it('names the country groups the compute-governance issue lists', () => {
    const groups = new Set(EXPORT_RULES.countryGroups.map((group) => group.id));
    expect([...groups].sort()).toEqual(['A:5', 'A:6', 'D:1', 'D:4', 'D:5', 'E:1', 'E:2', 'Macau'].sort());
  });

  it('holds the places DOMAIN.md and the rules name: China in D:1, D:4 and D:5, Macau on its own, Israel in D:4 and A:6', () => {
    const members = (id: string) => EXPORT_RULES.countryGroups.find((group) => group.id === id)?.members;
    for (const id of ['D:1', 'D:4', 'D:5']) expect(members(id)?.has('CN')).toBe(true);
    expect([...(members('Macau') ?? [])]).toEqual(['MO']);
    expect(members('D:4')?.has('IL') && members('A:6')?.has('IL')).toBe(true);
  });

  it('holds the 3A090 rule and the model-specific H20 rule, each with an id, version, dates and a citation', () => {
    expect(EXPORT_RULES.rules.map(({ id, version, effectiveFrom, effectiveUntil }) => ({ id, version, effectiveFrom, effectiveUntil }))).toEqual([
      { id: 'eccn-3a090', version: 1, effectiveFrom: '2023-11-17', effectiveUntil: null },
      { id: 'nvidia-h20-china', version: 1, effectiveFrom: '2025-04-09', effectiveUntil: null },
    ]);
    const [eccn, h20] = EXPORT_RULES.rules;
    expect(eccn.destinations).toEqual({ groups: ['D:1', 'D:4', 'D:5', 'Macau'], exceptGroups: ['A:5', 'A:6'], countries: [] });
    expect(eccn.headquarters).toEqual({ groups: ['D:5', 'Macau'], countries: [] });
    expect(h20.items).toEqual({ classifications: [], models: ['nvidia-h20'] });
    expect(h20.headquarters).toBeNull();
    for (const rule of EXPORT_RULES.rules) {
      expect(rule.citation).toEqual(expect.objectContaining({
        title: expect.stringMatching(/\S/), url: expect.stringMatching(/^https:\/\//), date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        section: expect.stringMatching(/\S/),
      }));
    }
  });

  it('says where DOMAIN.md is silent instead of passing guesses off as checked', () => {
    const unverified = EXPORT_RULES.countryGroups.filter((group) => !group.verified).map((group) => group.id);
    expect(unverified).toEqual(expect.arrayContaining(['D:1', 'D:4', 'D:5']));
    for (const group of EXPORT_RULES.countryGroups) expect(group.note).toMatch(/\S/);
    expect(EXPORT_RULES.notModelled.map((entry) => entry.what).join(' | ')).toMatch(/3A090\.c.*Diffusion.*Jan 2026/);
  });
});

describe('reading an export rules document', () => {
  it('reads the shipped file as the loaded rules', () => {
    expect(parseExportRules(copy(), KNOWN_MODELS)).toEqual(EXPORT_RULES);
  });

  it.each([
    {
      case: 'a rule naming a model the catalogue lacks',
      edit: (doc: ReturnType<typeof copy>) => { doc.rules[1].items.models = ['nvidia-h21']; },
      message: /nvidia-h21 is not in the accelerator catalogue/,
    },
    {
      case: 'a rule naming an unknown country group',
      edit: (doc: ReturnType<typeof copy>) => { doc.rules[0].destinations.groups.push('D:9'); },
      message: /no country group D:9/,
    },
    {
      case: 'a member that is not an ISO country code',
      edit: (doc: ReturnType<typeof copy>) => { doc.countryGroups[0].members.push('XX'); },
      message: /XX is not an ISO 3166-1 alpha-2 code/,
    },
    {
      case: 'a country listed twice',
      edit: (doc: ReturnType<typeof copy>) => { doc.countryGroups[0].members.push('CN'); },
      message: /CN listed twice/,
    },
    {
      case: 'a day that does not exist',
      edit: (doc: ReturnType<typeof copy>) => { doc.rules[1].effectiveFrom = '2025-02-30'; },
      message: /2025-02-30 is not a calendar day/,
    },
    {
      case: 'an end before the start',
      edit: (doc: ReturnType<typeof copy>) => { (doc.rules[1] as { effectiveUntil: string | null }).effectiveUntil = '2025-04-01'; },
      message: /effectiveUntil: not after effectiveFrom/,
    },
    {
      case: 'a rule dated before the data\'s coverage',
      edit: (doc: ReturnType<typeof copy>) => { doc.rules[1].effectiveFrom = '2022-10-07'; },
      message: /before coverageFrom/,
    },
    {
      case: 'two versions of a rule in force on the same day',
      edit: (doc: ReturnType<typeof copy>) => { doc.rules.push({ ...doc.rules[0], version: 2, effectiveFrom: '2026-01-01' }); },
      message: /versions 1 and 2 overlap/,
    },
    {
      case: 'a country group that ends while a rule still names it',
      edit: (doc: ReturnType<typeof copy>) => { (doc.countryGroups[2] as { effectiveUntil: string | null }).effectiveUntil = '2026-01-01'; },
      message: /country group D:5 has no version in force from 2026-01-01/,
    },
    {
      case: 'a 3A090 rule over items that are not controlled',
      edit: (doc: ReturnType<typeof copy>) => { doc.rules[0].items.classifications = ['not-controlled']; },
      message: /not-controlled is not 3A090\.a or 3A090\.b/,
    },
    {
      case: 'a citation of an unlisted source',
      edit: (doc: ReturnType<typeof copy>) => { doc.rules[0].citation.source = 'a-blog'; },
      message: /no source named a-blog/,
    },
  ])('refuses $case', ({ edit, message }) => {
    const doc = copy();
    edit(doc);
    expect(() => parseExportRules(doc, KNOWN_MODELS)).toThrow(message);
  });

  it('accepts a new version that starts where the old one ends', () => {
    const doc = copy();
    const [eccn] = doc.rules as { effectiveUntil: string | null; version: number; effectiveFrom: string }[];
    eccn.effectiveUntil = '2027-01-01';
    doc.rules.push({ ...doc.rules[0], version: 2, effectiveFrom: '2027-01-01', effectiveUntil: null } as (typeof doc.rules)[number]);
    expect(parseExportRules(doc, KNOWN_MODELS).rules.filter((rule) => rule.id === 'eccn-3a090').map((rule) => rule.version)).toEqual([1, 2]);
  });
});
