import { ACCELERATOR_MODELS } from '../catalogue/accelerator-models';
import rulesV1 from './export-rules.v1.json';
import { parseExportRules } from './export-rules';
import type { ExportRuleSet } from './export-rules';

export type { CountryGroup, CountryScope, ExportRule, ExportRuleSet, RuleSource } from './export-rules';

/**
 * The US export licence requirements in force, from the versioned, cited data file (export-rules.v1.json). Checked
 * once at module load against the accelerator catalogue: a malformed rule stops the process at start, never a request.
 */
export const EXPORT_RULES: ExportRuleSet = parseExportRules(rulesV1, new Set(ACCELERATOR_MODELS.map((model) => model.id)));
