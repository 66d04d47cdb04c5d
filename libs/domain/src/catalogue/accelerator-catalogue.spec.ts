import catalogueV1 from './accelerator-catalogue.v1.json';
import { parseAcceleratorCatalogue } from './accelerator-catalogue';
import { ACCELERATOR_MODELS, findAcceleratorModel } from './accelerator-models';
import { BIT_LENGTH, PRECISIONS, classify3a090 } from './export-control-classification';
import type { Precision } from './export-control-classification';

/**
 * Published figures and classifications, copied from the "Accelerators (dense figures)" table of DOMAIN.md
 * (the project's design notes; tests never read that file). pd is given only where DOMAIN.md gives one.
 */
const DOMAIN_MD_CLASSIFICATIONS = [
  { id: 'nvidia-a100-sxm', tpp: 4992, classification: '3A090.a' },
  { id: 'nvidia-h100-sxm', tpp: 15832, pd: 19.4, classification: '3A090.a' },
  { id: 'nvidia-h200', tpp: 15832, classification: '3A090.a' },
  { id: 'nvidia-b200', tpp: 36000, classification: '3A090.a' },
  { id: 'nvidia-h20', tpp: 2368, pd: 2.9, classification: 'not-controlled' },
  { id: 'amd-mi300x', tpp: 20919, classification: '3A090.a' },
  { id: 'google-tpu-v5p', tpp: 7344, classification: '3A090.a' },
] as const;

/** Models DOMAIN.md does not list: classifications worked out by hand from the cited figures in the data file. */
const HAND_CHECKED_CLASSIFICATIONS = [
  { id: 'nvidia-h100-pcie', tpp: 12104, classification: '3A090.a' }, // 1,513 dense FP8 × 8
  { id: 'nvidia-gb200', tpp: 40000, classification: '3A090.a' }, // 10,000 dense FP4 × 4 = 5,000 FP8 × 8
  { id: 'amd-mi325x', tpp: 20919.2, classification: '3A090.a' }, // 2,614.9 FP8 × 8, same compute as MI300X
  { id: 'huawei-ascend-910b', tpp: 5120, classification: '3A090.a' }, // 320 FP16 × 16
  { id: 'huawei-ascend-910c', tpp: 12800, classification: '3A090.a' }, // 800 FP16 × 16
] as const;

type RawFigure = { value: number; source: string };
type RawModel = (typeof catalogueV1.models)[number];

/** Recomputed here from the raw file, apart from the catalogue's own derivation, so a slip in either shows. */
const recomputed = (raw: RawModel) => {
  const throughput = raw.denseThroughput as Partial<Record<Precision, RawFigure>>;
  const tpp = Math.max(...PRECISIONS.map((precision) => (throughput[precision]?.value ?? 0) * BIT_LENGTH[precision]));
  const die = (raw.dieAreaMm2 as RawFigure | null)?.value;
  const pd = die === undefined ? null : tpp / die;
  return { tpp, pd, classification: classify3a090(tpp, pd) };
};

const rawModel = (id: string): RawModel => {
  const raw = catalogueV1.models.find((model) => model.id === id);
  if (!raw) throw new Error(`${id} is not in the catalogue file`);
  return raw;
};

describe('the accelerator catalogue (accelerator-catalogue.v1.json)', () => {
  it('holds at least the models the compute-governance issue names', () => {
    expect(ACCELERATOR_MODELS.map((model) => model.id)).toEqual(expect.arrayContaining([
      'nvidia-a100-sxm', 'nvidia-h100-sxm', 'nvidia-h100-pcie', 'nvidia-h200', 'nvidia-h20', 'nvidia-b200', 'nvidia-gb200',
      'amd-mi300x', 'amd-mi325x', 'google-tpu-v5p', 'huawei-ascend-910b', 'huawei-ascend-910c',
    ]));
  });

  it.each(DOMAIN_MD_CLASSIFICATIONS)('classifies $id as DOMAIN.md publishes ($classification, TPP $tpp)', (expected) => {
    const again = recomputed(rawModel(expected.id));
    const model = findAcceleratorModel(expected.id);
    expect(again.classification).toBe(expected.classification);
    expect(model?.eccn3a090).toBe(expected.classification);
    expect(again.tpp).toBeCloseTo(expected.tpp, 0);
    expect(model?.tpp).toBeCloseTo(expected.tpp, 0);
    if ('pd' in expected) {
      // DOMAIN.md gives PD to one decimal ("≈ 19.4" for 15,832 / 814 = 19.45).
      expect(Math.abs((again.pd ?? Infinity) - expected.pd)).toBeLessThan(0.1);
      expect(Math.abs((model?.performanceDensity ?? Infinity) - expected.pd)).toBeLessThan(0.1);
    }
  });

  it.each(HAND_CHECKED_CLASSIFICATIONS)('classifies $id as worked out by hand ($classification, TPP $tpp)', (expected) => {
    expect(recomputed(rawModel(expected.id)).classification).toBe(expected.classification);
    expect(findAcceleratorModel(expected.id)).toMatchObject({ eccn3a090: expected.classification, tpp: expected.tpp });
  });

  it('has an expected classification for every model, so a new model needs one', () => {
    const expected = [...DOMAIN_MD_CLASSIFICATIONS, ...HAND_CHECKED_CLASSIFICATIONS].map(({ id }) => id).sort();
    expect(ACCELERATOR_MODELS.map(({ id }) => id).sort()).toEqual(expected);
  });

  it.each(catalogueV1.models.map((model) => [model.id, model] as const))('cites a source for every figure of %s', (id, raw) => {
    const figures = [
      ...Object.keys(raw.denseThroughput).map((precision) => `denseThroughput.${precision}`),
      ...(['dieAreaMm2', 'memoryGb', 'memoryBandwidthGbPerS'] as const).filter((field) => raw[field] !== null),
    ];
    const citations = findAcceleratorModel(id)?.citations ?? [];
    expect(citations.map((citation) => citation.figure).sort()).toEqual(figures.sort());
    for (const citation of citations) {
      expect(citation).toEqual(expect.objectContaining({
        title: expect.stringMatching(/\S/), url: expect.stringMatching(/^https:\/\//), date: expect.stringMatching(/^\d{4}(-\d{2}){0,2}$/),
      }));
    }
  });

  it('marks models resting on unofficial figures', () => {
    expect(findAcceleratorModel('huawei-ascend-910b')?.officialFigures).toBe(false);
    expect(findAcceleratorModel('nvidia-h20')?.officialFigures).toBe(false);
    expect(findAcceleratorModel('nvidia-h100-sxm')?.officialFigures).toBe(true);
  });

  it('keeps the consumers\' fields: dense BF16 TFLOPS from the BF16 figure, null where none is published', () => {
    expect(findAcceleratorModel('nvidia-h100-sxm')).toMatchObject({ denseBf16Tflops: 989, memoryGb: 80, dieAreaMm2: 814 });
    expect(findAcceleratorModel('huawei-ascend-910b')?.denseBf16Tflops).toBeNull();
  });

  it('uses lower-case vendor-model ids', () => {
    for (const { id, vendor } of ACCELERATOR_MODELS) expect(id.startsWith(`${vendor.toLowerCase()}-`)).toBe(true);
  });
});

describe('reading a catalogue document', () => {
  const source = { title: 'Datasheet', url: 'https://example.com/ds.pdf', date: '2024-01', official: true };
  const chip = {
    id: 'acme-x1', vendor: 'Acme', name: 'X1',
    denseThroughput: { BF16: { value: 100, source: 'ds' } },
    dieAreaMm2: { value: 500, source: 'ds' },
    memoryGb: { value: 80, source: 'ds' },
    memoryBandwidthGbPerS: null,
  };
  const document = (model: object, sources: object = { ds: source }) => ({ version: 1, sources, models: [model] });

  it('derives TPP, PD and the classification from a well-formed entry', () => {
    expect(parseAcceleratorCatalogue(document(chip))).toEqual([expect.objectContaining({
      tpp: 1600, performanceDensity: 3.2, eccn3a090: '3A090.b', denseBf16Tflops: 100, memoryBandwidthGbPerS: null,
    })]);
  });

  it.each([
    { case: 'a figure without a source', model: { ...chip, memoryGb: { value: 80 } }, message: /memoryGb\.source/ },
    { case: 'a source that is not listed', model: { ...chip, memoryGb: { value: 80, source: 'blog' } }, message: /no source named blog/ },
    { case: 'an unknown precision', model: { ...chip, denseThroughput: { BF16_SPARSE: { value: 200, source: 'ds' } } }, message: /unknown precision BF16_SPARSE/ },
    { case: 'no throughput at all', model: { ...chip, denseThroughput: {} }, message: /no precision published/ },
    { case: 'a figure that is not a positive number', model: { ...chip, dieAreaMm2: { value: '500', source: 'ds' } }, message: /dieAreaMm2\.value/ },
    { case: 'an id not in vendor-model form', model: { ...chip, id: 'Acme X1' }, message: /lower-case vendor-model/ },
  ])('refuses $case', ({ model, message }) => {
    expect(() => parseAcceleratorCatalogue(document(model))).toThrow(message);
  });

  it('refuses a source without a date', () => {
    expect(() => parseAcceleratorCatalogue(document(chip, { ds: { ...source, date: '' } }))).toThrow(/source ds\.date/);
  });

  it('refuses a model listed twice', () => {
    expect(() => parseAcceleratorCatalogue({ version: 1, sources: { ds: source }, models: [chip, chip] })).toThrow(/listed twice/);
  });
});
