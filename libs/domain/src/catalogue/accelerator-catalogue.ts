import {
  PRECISIONS, classify3a090, performanceDensity, totalProcessingPerformance,
} from './export-control-classification';
import type { DenseThroughput, Eccn3a090Classification, Precision } from './export-control-classification';

/** Where one figure comes from. `official: false` marks press or analyst reports, not vendor documents. */
export type Citation = {
  readonly figure: string;
  readonly value: number;
  readonly title: string;
  readonly url: string;
  readonly date: string;
  readonly official: boolean;
  readonly note: string | null;
};

/**
 * One accelerator model: raw figures as published (dense only), and what the ledger derives from them.
 * Throughput is per accelerator (per GPU for multi-GPU products), in TFLOPS (TOPS for INT8).
 */
export type AcceleratorModel = {
  readonly id: string;
  readonly vendor: string;
  readonly name: string;
  readonly denseThroughput: DenseThroughput;
  /** Dense BF16 TFLOPS, null when the vendor publishes none (compute accounting counts those chips as 0). */
  readonly denseBf16Tflops: number | null;
  readonly dieAreaMm2: number | null;
  readonly memoryGb: number;
  readonly memoryBandwidthGbPerS: number | null;
  readonly tpp: number;
  readonly performanceDensity: number | null;
  readonly eccn3a090: Eccn3a090Classification;
  /** False when any figure comes from an unofficial source. */
  readonly officialFigures: boolean;
  readonly citations: readonly Citation[];
};

type Source = { readonly title: string; readonly url: string; readonly date: string; readonly official: boolean };
type Figure = { readonly value: number; readonly source: string; readonly note?: string };

/** The catalogue file is data written by hand: every malformed entry is named, so a bad edit fails loudly at load. */
class CatalogueFormatError extends Error {
  constructor(where: string, problem: string) {
    super(`accelerator catalogue: ${where}: ${problem}`);
  }
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

const objectAt = (value: unknown, where: string): Json => {
  if (!isObject(value)) throw new CatalogueFormatError(where, 'expected an object');
  return value;
};

const stringAt = (value: unknown, where: string): string => {
  if (typeof value !== 'string' || value.trim() === '') throw new CatalogueFormatError(where, 'expected a non-empty string');
  return value;
};

const parseSource = (value: unknown, where: string): Source => {
  const raw = objectAt(value, where);
  if (typeof raw.official !== 'boolean') throw new CatalogueFormatError(`${where}.official`, 'expected a boolean');
  return {
    title: stringAt(raw.title, `${where}.title`),
    url: stringAt(raw.url, `${where}.url`),
    date: stringAt(raw.date, `${where}.date`),
    official: raw.official,
  };
};

const parseFigure = (value: unknown, where: string, sources: ReadonlyMap<string, Source>): Figure => {
  const raw = objectAt(value, where);
  if (typeof raw.value !== 'number' || !Number.isFinite(raw.value) || raw.value <= 0) {
    throw new CatalogueFormatError(`${where}.value`, 'expected a positive number');
  }
  const source = stringAt(raw.source, `${where}.source`);
  if (!sources.has(source)) throw new CatalogueFormatError(`${where}.source`, `no source named ${source}`);
  const note = raw.note === undefined ? undefined : stringAt(raw.note, `${where}.note`);
  return { value: raw.value, source, note };
};

const parseModel = (value: unknown, where: string, sources: ReadonlyMap<string, Source>): AcceleratorModel => {
  const raw = objectAt(value, where);
  const id = stringAt(raw.id, `${where}.id`);
  if (!/^[a-z0-9]+(-[a-z0-9]+)+$/.test(id)) throw new CatalogueFormatError(`${where}.id`, `${id} is not lower-case vendor-model`);
  const at = `model ${id}`;
  const figures: [string, Figure][] = [];
  const figure = (name: string, field: unknown): Figure => {
    const parsed = parseFigure(field, `${at}.${name}`, sources);
    figures.push([name, parsed]);
    return parsed;
  };
  const optionalFigure = (name: string, field: unknown): Figure | null => (field === null ? null : figure(name, field));

  const rawThroughput = objectAt(raw.denseThroughput, `${at}.denseThroughput`);
  const unknownPrecision = Object.keys(rawThroughput).find((key) => !(PRECISIONS as readonly string[]).includes(key));
  if (unknownPrecision) throw new CatalogueFormatError(`${at}.denseThroughput`, `unknown precision ${unknownPrecision}`);
  const denseThroughput: Partial<Record<Precision, number>> = {};
  for (const precision of PRECISIONS) {
    if (rawThroughput[precision] !== undefined) {
      denseThroughput[precision] = figure(`denseThroughput.${precision}`, rawThroughput[precision]).value;
    }
  }
  if (Object.keys(denseThroughput).length === 0) throw new CatalogueFormatError(`${at}.denseThroughput`, 'no precision published');
  const dieAreaMm2 = optionalFigure('dieAreaMm2', raw.dieAreaMm2)?.value ?? null;
  const memoryGb = figure('memoryGb', raw.memoryGb).value;
  const memoryBandwidthGbPerS = optionalFigure('memoryBandwidthGbPerS', raw.memoryBandwidthGbPerS)?.value ?? null;

  const citations = figures.map(([name, { value: figureValue, source, note }]): Citation => ({
    figure: name, value: figureValue, ...(sources.get(source) as Source), note: note ?? null,
  }));
  const tpp = totalProcessingPerformance(denseThroughput);
  const density = performanceDensity(tpp, dieAreaMm2);
  return {
    id,
    vendor: stringAt(raw.vendor, `${at}.vendor`),
    name: stringAt(raw.name, `${at}.name`),
    denseThroughput,
    denseBf16Tflops: denseThroughput.BF16 ?? null,
    dieAreaMm2,
    memoryGb,
    memoryBandwidthGbPerS,
    tpp,
    performanceDensity: density,
    eccn3a090: classify3a090(tpp, density),
    officialFigures: citations.every((citation) => citation.official),
    citations,
  };
};

/** Reads a catalogue document (see accelerator-catalogue.v1.json) into models with their derived figures. */
export const parseAcceleratorCatalogue = (document: unknown): readonly AcceleratorModel[] => {
  const raw = objectAt(document, 'document');
  const sources = new Map(Object.entries(objectAt(raw.sources, 'sources')).map(([key, value]) => [key, parseSource(value, `source ${key}`)]));
  if (!Array.isArray(raw.models)) throw new CatalogueFormatError('models', 'expected an array');
  const models = raw.models.map((model, index) => parseModel(model, `models[${index}]`, sources));
  const duplicate = models.find((model, index) => models.findIndex((other) => other.id === model.id) !== index);
  if (duplicate) throw new CatalogueFormatError(`model ${duplicate.id}`, 'listed twice');
  return models;
};
