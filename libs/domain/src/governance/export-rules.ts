import { isIsoCountry } from '../core/iso-country';
import type { Eccn3a090Classification } from '../catalogue/export-control-classification';

/** Where a rule or a country group comes from. `official: false` marks secondary reports and the project's own notes. */
export type RuleSource = { readonly title: string; readonly url: string; readonly date: string; readonly official: boolean };

/** A period of validity: from 00:00 UTC of `effectiveFrom`, up to (not including) 00:00 UTC of `effectiveUntil`. */
type Dated = { readonly effectiveFrom: string; readonly effectiveUntil: string | null };

/** One version of a country group (15 CFR 740 Supp. 1): its members during its period. */
export type CountryGroup = Dated & {
  readonly id: string;
  readonly version: number;
  readonly name: string;
  readonly members: ReadonlySet<string>;
  readonly source: RuleSource;
  /** False when the members were not checked against the official text (the note says what was done). */
  readonly verified: boolean;
  readonly note: string;
};

export type CountryScope = {
  readonly groups: readonly string[];
  /** Destinations in one of these groups are lifted out of `groups` (e.g. "D:1, D:4, D:5 unless also in A:5 or A:6"). */
  readonly exceptGroups: readonly string[];
  readonly countries: readonly string[];
};

/** What an export licence requirement covers: items by 3A090 classification or by catalogue model id. */
export type ExportRule = Dated & {
  readonly id: string;
  readonly version: number;
  readonly items: { readonly classifications: readonly Eccn3a090Classification[]; readonly models: readonly string[] };
  readonly destinations: CountryScope;
  /** A destination party headquartered here triggers the rule wherever the shipment goes; null when the rule has no such test. */
  readonly headquarters: Omit<CountryScope, 'exceptGroups'> | null;
  readonly citation: RuleSource & { readonly section: string; readonly note: string };
};

export type ExportRuleSet = {
  readonly version: number;
  /** Business times before this day are outside what the data describes. */
  readonly coverageFrom: string;
  readonly countryGroups: readonly CountryGroup[];
  readonly rules: readonly ExportRule[];
  readonly notModelled: readonly { readonly what: string; readonly why: string }[];
};

/** The rules file is data written by hand: every malformed entry is named, so a bad edit fails loudly at load. */
class ExportRulesFormatError extends Error {
  constructor(where: string, problem: string) {
    super(`export rules: ${where}: ${problem}`);
  }
}

type Json = Record<string, unknown>;

const objectAt = (value: unknown, where: string): Json => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ExportRulesFormatError(where, 'expected an object');
  return value as Json;
};

const stringAt = (value: unknown, where: string): string => {
  if (typeof value !== 'string' || value.trim() === '') throw new ExportRulesFormatError(where, 'expected a non-empty string');
  return value;
};

const booleanAt = (value: unknown, where: string): boolean => {
  if (typeof value !== 'boolean') throw new ExportRulesFormatError(where, 'expected a boolean');
  return value;
};

const versionAt = (value: unknown, where: string): number => {
  if (!Number.isInteger(value) || (value as number) < 1) throw new ExportRulesFormatError(where, 'expected a positive integer');
  return value as number;
};

const stringsAt = (value: unknown, where: string): string[] => {
  if (!Array.isArray(value)) throw new ExportRulesFormatError(where, 'expected an array');
  const strings = value.map((item, index) => stringAt(item, `${where}[${index}]`));
  const twice = strings.find((item, index) => strings.indexOf(item) !== index);
  if (twice !== undefined) throw new ExportRulesFormatError(where, `${twice} listed twice`);
  return strings;
};

const countriesAt = (value: unknown, where: string): string[] => {
  const countries = stringsAt(value, where);
  const unknown = countries.find((code) => !isIsoCountry(code));
  if (unknown !== undefined) throw new ExportRulesFormatError(where, `${unknown} is not an ISO 3166-1 alpha-2 code`);
  return countries;
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar day, checked for existence (2025-02-30 is refused), kept as written. */
const dayAt = (value: unknown, where: string): string => {
  const day = stringAt(value, where);
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (!DAY.test(day) || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) {
    throw new ExportRulesFormatError(where, `${day} is not a calendar day (YYYY-MM-DD)`);
  }
  return day;
};

const datedAt = (raw: Json, where: string, coverageFrom: string): Dated => {
  const effectiveFrom = dayAt(raw.effectiveFrom, `${where}.effectiveFrom`);
  const effectiveUntil = raw.effectiveUntil === null ? null : dayAt(raw.effectiveUntil, `${where}.effectiveUntil`);
  if (effectiveFrom < coverageFrom) throw new ExportRulesFormatError(`${where}.effectiveFrom`, `before coverageFrom ${coverageFrom}`);
  if (effectiveUntil !== null && effectiveUntil <= effectiveFrom) {
    throw new ExportRulesFormatError(`${where}.effectiveUntil`, 'not after effectiveFrom');
  }
  return { effectiveFrom, effectiveUntil };
};

const sourceAt = (value: unknown, where: string, sources: ReadonlyMap<string, RuleSource>): RuleSource => {
  const key = stringAt(value, where);
  const source = sources.get(key);
  if (!source) throw new ExportRulesFormatError(where, `no source named ${key}`);
  return source;
};

const parseSource = (value: unknown, where: string): RuleSource => {
  const raw = objectAt(value, where);
  return {
    title: stringAt(raw.title, `${where}.title`), url: stringAt(raw.url, `${where}.url`), date: stringAt(raw.date, `${where}.date`),
    official: booleanAt(raw.official, `${where}.official`),
  };
};

/** Two versions of one rule or group in force on the same day would make an evaluation's answer depend on file order. */
const requireNoOverlap = (entries: readonly (Dated & { id: string; version: number })[], what: string): void => {
  for (const [index, a] of entries.entries()) {
    const versions = entries.slice(index + 1).filter((b) => b.id === a.id);
    const twice = versions.find((b) => b.version === a.version);
    if (twice) throw new ExportRulesFormatError(`${what} ${a.id}`, `version ${a.version} listed twice`);
    const overlapping = versions.find((b) =>
      (a.effectiveUntil === null || b.effectiveFrom < a.effectiveUntil) && (b.effectiveUntil === null || a.effectiveFrom < b.effectiveUntil));
    if (overlapping) throw new ExportRulesFormatError(`${what} ${a.id}`, `versions ${a.version} and ${overlapping.version} overlap in time`);
  }
};

/** A rule may only name groups whose versions cover its whole period without a gap, or it would read an empty group. */
const requireGroupsCover = (rule: ExportRule, groups: readonly CountryGroup[]): void => {
  const named = [...rule.destinations.groups, ...rule.destinations.exceptGroups, ...(rule.headquarters?.groups ?? [])];
  for (const id of new Set(named)) {
    let coveredUntil: string | null = rule.effectiveFrom;
    const versions = groups.filter((group) => group.id === id).sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
    for (const version of versions) {
      if (coveredUntil !== null && version.effectiveFrom <= coveredUntil && (version.effectiveUntil ?? '9999') > coveredUntil) {
        coveredUntil = version.effectiveUntil;
      }
    }
    const stillOpen = coveredUntil !== null && (rule.effectiveUntil === null || coveredUntil < rule.effectiveUntil);
    if (stillOpen) throw new ExportRulesFormatError(`rule ${rule.id} v${rule.version}`, `country group ${id} has no version in force from ${coveredUntil}`);
  }
};

const RULE_CLASSIFICATIONS: readonly Eccn3a090Classification[] = ['3A090.a', '3A090.b'];

/**
 * Reads an export rules document (see export-rules.v1.json). `knownModels` are the catalogue's model ids: a rule naming
 * a model the catalogue lacks would silently never apply.
 */
export const parseExportRules = (document: unknown, knownModels: ReadonlySet<string>): ExportRuleSet => {
  const raw = objectAt(document, 'document');
  const version = versionAt(raw.version, 'version');
  const coverageFrom = dayAt(raw.coverageFrom, 'coverageFrom');
  const sources = new Map(Object.entries(objectAt(raw.sources, 'sources')).map(([key, value]) => [key, parseSource(value, `source ${key}`)]));

  if (!Array.isArray(raw.countryGroups)) throw new ExportRulesFormatError('countryGroups', 'expected an array');
  const countryGroups = raw.countryGroups.map((value, index): CountryGroup => {
    const group = objectAt(value, `countryGroups[${index}]`);
    const at = `country group ${stringAt(group.id, `countryGroups[${index}].id`)}`;
    return {
      id: group.id as string, version: versionAt(group.version, `${at}.version`), name: stringAt(group.name, `${at}.name`),
      ...datedAt(group, at, coverageFrom),
      members: new Set(countriesAt(group.members, `${at}.members`)),
      source: sourceAt(group.source, `${at}.source`, sources),
      verified: booleanAt(group.verified, `${at}.verified`),
      note: stringAt(group.note, `${at}.note`),
    };
  });
  requireNoOverlap(countryGroups, 'country group');
  const groupIds = new Set(countryGroups.map((group) => group.id));
  const groupsAt = (value: unknown, where: string): string[] => {
    const groups = stringsAt(value, where);
    const unknown = groups.find((id) => !groupIds.has(id));
    if (unknown !== undefined) throw new ExportRulesFormatError(where, `no country group ${unknown}`);
    return groups;
  };

  if (!Array.isArray(raw.rules)) throw new ExportRulesFormatError('rules', 'expected an array');
  const rules = raw.rules.map((value, index): ExportRule => {
    const rule = objectAt(value, `rules[${index}]`);
    const at = `rule ${stringAt(rule.id, `rules[${index}].id`)}`;
    const items = objectAt(rule.items, `${at}.items`);
    const classifications = stringsAt(items.classifications, `${at}.items.classifications`);
    const notControlling = classifications.find((c) => !(RULE_CLASSIFICATIONS as readonly string[]).includes(c));
    if (notControlling !== undefined) throw new ExportRulesFormatError(`${at}.items.classifications`, `${notControlling} is not 3A090.a or 3A090.b`);
    const models = stringsAt(items.models, `${at}.items.models`);
    const unknownModel = models.find((model) => !knownModels.has(model));
    if (unknownModel !== undefined) throw new ExportRulesFormatError(`${at}.items.models`, `${unknownModel} is not in the accelerator catalogue`);
    if (!classifications.length && !models.length) throw new ExportRulesFormatError(`${at}.items`, 'covers no item');
    const destinations = objectAt(rule.destinations, `${at}.destinations`);
    const hq = rule.headquarters === null ? null : objectAt(rule.headquarters, `${at}.headquarters`);
    const citation = objectAt(rule.citation, `${at}.citation`);
    return {
      id: rule.id as string, version: versionAt(rule.version, `${at}.version`), ...datedAt(rule, at, coverageFrom),
      items: { classifications: classifications as Eccn3a090Classification[], models },
      destinations: {
        groups: groupsAt(destinations.groups, `${at}.destinations.groups`),
        exceptGroups: groupsAt(destinations.exceptGroups, `${at}.destinations.exceptGroups`),
        countries: countriesAt(destinations.countries, `${at}.destinations.countries`),
      },
      headquarters: hq && {
        groups: groupsAt(hq.groups, `${at}.headquarters.groups`), countries: countriesAt(hq.countries, `${at}.headquarters.countries`),
      },
      citation: {
        ...sourceAt(citation.source, `${at}.citation.source`, sources),
        section: stringAt(citation.section, `${at}.citation.section`), note: stringAt(citation.note, `${at}.citation.note`),
      },
    };
  });
  requireNoOverlap(rules, 'rule');
  rules.forEach((rule) => requireGroupsCover(rule, countryGroups));

  if (!Array.isArray(raw.notModelled)) throw new ExportRulesFormatError('notModelled', 'expected an array');
  const notModelled = raw.notModelled.map((value, index) => {
    const entry = objectAt(value, `notModelled[${index}]`);
    return { what: stringAt(entry.what, `notModelled[${index}].what`), why: stringAt(entry.why, `notModelled[${index}].why`) };
  });
  return { version, coverageFrom, countryGroups, rules, notModelled };
};
