import type { AssetKind } from '../asset/asset-kind';
import type { AcceleratorModel } from '../catalogue/accelerator-catalogue';
import { findAcceleratorModel } from '../catalogue/accelerator-models';
import type { CountryGroup, CountryScope, ExportRule, ExportRuleSet } from './export-rules';
import { EXPORT_RULES } from './export-rule-set';

/** An asset on the move: the one shipped, or anything packed in it. Units count through the chips they contain (4A090). */
export type ShippedItem = { readonly assetId: string; readonly kind: AssetKind; readonly model: string };

/** The countries of a shipment as declared: where it leaves, where it may stop on the way, where it is bound. */
export type ShipmentRoute = {
  readonly originCountry: string;
  readonly transitCountries: readonly string[];
  readonly destinationCountry: string;
};

export type LicenceQuestion = ShipmentRoute & {
  /** The asset shipped and everything it contains. */
  readonly items: readonly ShippedItem[];
  /** Headquarters country of the party the shipment is for; null when the ledger does not know it. */
  readonly destinationHeadquartersCountry: string | null;
  /** Business time of the shipment (RFC 3339): the rules in force then apply, not today's. */
  readonly businessTime: string;
  readonly licenceReference: string | null;
};

export type RuleVersion = { readonly id: string; readonly version: number };

export type LicenceFinding = RuleVersion & {
  /** Why the rule reaches this shipment: where it goes, or who it is for (wherever it goes). */
  readonly trigger: 'destination' | 'headquarters';
  /** The chips the rule covers. */
  readonly assetIds: readonly string[];
};

export type UndeterminedItem = {
  readonly assetId: string;
  readonly model: string;
  readonly reason: 'unknown-model' | 'classification-undetermined';
};

export const LICENCE_OUTCOMES = ['licence-required', 'not-required', 'undetermined'] as const;
export type LicenceOutcome = (typeof LICENCE_OUTCOMES)[number];

export type LicenceEvaluation = {
  /** `undetermined`: a rule reaches the destination but the data cannot say whether it covers a chip, or the time is before the data. */
  readonly outcome: LicenceOutcome;
  /** A licence is required and the shipment names none: recorded all the same, and flagged. */
  readonly licenceMissing: boolean;
  readonly requiredBy: readonly LicenceFinding[];
  readonly undetermined: readonly UndeterminedItem[];
  /** Every rule version in force at the business time: the answer names what it was evaluated against. */
  readonly rulesInForce: readonly RuleVersion[];
  readonly ruleSetVersion: number;
  readonly beforeCoverage: boolean;
};

const startOfDay = (day: string): number => Date.parse(`${day}T00:00:00Z`);

const inForce = (at: number) => (entry: { effectiveFrom: string; effectiveUntil: string | null }): boolean =>
  startOfDay(entry.effectiveFrom) <= at && (entry.effectiveUntil === null || at < startOfDay(entry.effectiveUntil));

const within = (groups: ReadonlyMap<string, CountryGroup>, scope: Omit<CountryScope, 'exceptGroups'>, country: string): boolean =>
  scope.countries.includes(country) || scope.groups.some((id) => groups.get(id)?.members.has(country) === true);

const reachesDestination = (groups: ReadonlyMap<string, CountryGroup>, rule: ExportRule, country: string): boolean =>
  within(groups, rule.destinations, country) && !rule.destinations.exceptGroups.some((id) => groups.get(id)?.members.has(country));

type Lookup = (model: string) => AcceleratorModel | undefined;

/** Whether the rule covers the chip: yes, no, or unknown when it turns on a classification the catalogue cannot give. */
const covers = (rule: ExportRule, item: ShippedItem, lookup: Lookup): boolean | UndeterminedItem['reason'] => {
  if (rule.items.models.includes(item.model)) return true;
  if (!rule.items.classifications.length) return false;
  const model = lookup(item.model);
  if (!model) return 'unknown-model';
  if (model.eccn3a090 === 'undetermined') return 'classification-undetermined';
  return rule.items.classifications.includes(model.eccn3a090);
};

/**
 * Whether a shipment needs a US export licence under the rules in force at its business time, and which rule says so.
 * Pure: the rules and the catalogue are data passed in (the loaded files by default). Same-country moves need none.
 * Transit countries are not destinations (the rules data says why); they matter to `divertedCountry`.
 */
export const evaluateLicence = (
  question: LicenceQuestion, rules: ExportRuleSet = EXPORT_RULES, lookup: Lookup = findAcceleratorModel,
): LicenceEvaluation => {
  const at = Date.parse(question.businessTime);
  if (Number.isNaN(at)) throw new RangeError(`businessTime ${question.businessTime} is not a date-time`);
  const rulesInForce = rules.rules.filter(inForce(at));
  const groups = new Map(rules.countryGroups.filter(inForce(at)).map((group) => [group.id, group]));
  const beforeCoverage = at < startOfDay(rules.coverageFrom);
  const base = {
    rulesInForce: rulesInForce.map(({ id, version }) => ({ id, version })), ruleSetVersion: rules.version, beforeCoverage,
  };
  const answer = (outcome: LicenceOutcome, requiredBy: LicenceFinding[] = [], undetermined: UndeterminedItem[] = []): LicenceEvaluation => ({
    outcome, licenceMissing: outcome === 'licence-required' && !question.licenceReference?.trim(), requiredBy, undetermined, ...base,
  });
  if (question.originCountry === question.destinationCountry) return answer('not-required');
  if (beforeCoverage) return answer('undetermined');

  const chips = question.items.filter((item) => item.kind === 'chip');
  const requiredBy: LicenceFinding[] = [];
  const undetermined = new Map<string, UndeterminedItem>();
  for (const rule of rulesInForce) {
    const hq = question.destinationHeadquartersCountry;
    const trigger = reachesDestination(groups, rule, question.destinationCountry) ? 'destination'
      : rule.headquarters && hq !== null && within(groups, rule.headquarters, hq) ? 'headquarters'
        : null;
    if (trigger === null) continue;
    const assetIds: string[] = [];
    for (const chip of chips) {
      const covered = covers(rule, chip, lookup);
      if (covered === true) assetIds.push(chip.assetId);
      else if (covered !== false) undetermined.set(chip.assetId, { assetId: chip.assetId, model: chip.model, reason: covered });
    }
    if (assetIds.length) requiredBy.push({ id: rule.id, version: rule.version, trigger, assetIds });
  }
  // A chip that one rule certainly covers needs the licence whatever another rule cannot decide about it.
  const decided = new Set(requiredBy.flatMap((finding) => finding.assetIds));
  const open = [...undetermined.values()].filter((item) => !decided.has(item.assetId));
  if (requiredBy.length) return answer('licence-required', requiredBy, open);
  return open.length ? answer('undetermined', [], open) : answer('not-required');
};
