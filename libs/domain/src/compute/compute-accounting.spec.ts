import fc from 'fast-check';
import catalogueV1 from '../catalogue/accelerator-catalogue.v1.json';
import type { AcceleratorModel } from '../catalogue/accelerator-catalogue';
import { findAcceleratorModel } from '../catalogue/accelerator-models';
import { PRECISIONS } from '../catalogue/export-control-classification';
import type { Precision } from '../catalogue/export-control-classification';
import { chipCompute, sumCompute } from './compute-accounting';

const model = (id: string): AcceleratorModel => {
  const found = findAcceleratorModel(id);
  if (!found) throw new Error(`${id} is not in the catalogue`);
  return found;
};

describe('one chip\'s compute', () => {
  it('is the catalogue\'s dense throughput as operations per second, per precision it publishes', () => {
    expect(chipCompute(model('nvidia-h100-sxm')).denseFlopsPerSecond).toEqual({
      FP64: 67e12, FP32: 67e12, TF32: 494.5e12, BF16: 989e12, FP16: 989e12, FP8: 1979e12, INT8: 1979e12,
    });
    expect(chipCompute(model('amd-mi300x')).denseFlopsPerSecond.BF16).toBe(1_307_400_000_000_000);
    expect(chipCompute(model('nvidia-a100-sxm')).denseFlopsPerSecond.FP8).toBeUndefined();
  });

  it('carries TPP as an index, from the catalogue', () => {
    expect(chipCompute(model('nvidia-h100-sxm')).tppIndex).toBe(15832);
    expect(chipCompute(model('amd-mi300x')).tppIndex).toBe(20919.2);
  });

  it.each([
    { id: 'nvidia-h100-sxm', expected: 1, why: 'the reference' },
    { id: 'nvidia-h200', expected: 1, why: 'the same dense BF16' },
    { id: 'nvidia-a100-sxm', expected: 312 / 989, why: 'dense BF16 312' },
    { id: 'amd-mi300x', expected: 1307.4 / 989, why: 'dense BF16 1,307.4' },
    { id: 'google-tpu-v5p', expected: 459 / 989, why: 'dense BF16 459' },
    { id: 'huawei-ascend-910b', expected: 320 / 989, why: 'no BF16 published: dense FP16 320' },
  ])('counts $id as $expected H100-equivalents ($why)', ({ id, expected }) => {
    expect(chipCompute(model(id)).h100Equivalents).toBeCloseTo(expected, 12);
  });
});

type RawFigure = { value: number };

/**
 * Independent of the code under test: reads the raw JSON figures, works in exact integers (BigInt tenths of TFLOPS:
 * every figure in the file has at most one decimal, which the first test checks) and converts once at the end.
 */
const expectedTotals = (ids: readonly string[]) => {
  const raw = new Map(catalogueV1.models.map((m) => [m.id, m.denseThroughput as Partial<Record<Precision, RawFigure>>]));
  const tenths = (value: number) => BigInt(Math.round(value * 10));
  const sums = new Map<Precision, bigint>(PRECISIONS.map((p) => [p, 0n]));
  const publishing = new Map<Precision, number>(PRECISIONS.map((p) => [p, 0]));
  let sixteenBitTenths = 0n;
  let uncatalogued = 0;
  for (const id of ids) {
    const figures = raw.get(id);
    if (!figures) {
      uncatalogued += 1;
      continue;
    }
    for (const p of PRECISIONS) {
      const figure = figures[p];
      if (!figure) continue;
      sums.set(p, (sums.get(p) as bigint) + tenths(figure.value));
      publishing.set(p, (publishing.get(p) as number) + 1);
    }
    sixteenBitTenths += tenths((figures.BF16 ?? figures.FP16)?.value ?? 0);
  }
  const h100Tenths = tenths((raw.get('nvidia-h100-sxm')?.BF16 as RawFigure).value);
  return {
    uncatalogued,
    // tenths of TFLOPS × 10^11 = FLOP/s, exact as a BigInt, then rounded once to a double.
    flops: Object.fromEntries(PRECISIONS.map((p) => [p, Number((sums.get(p) as bigint) * 10n ** 11n)])),
    publishing: Object.fromEntries(publishing),
    h100Equivalents: Number(sixteenBitTenths) / Number(h100Tenths),
  };
};

describe('compute totals of a fleet', () => {
  it('rests on figures with at most one decimal (what the independent sum below assumes)', () => {
    for (const m of catalogueV1.models) {
      for (const figure of Object.values(m.denseThroughput) as RawFigure[]) expect(Math.round(figure.value * 10)).toBeCloseTo(figure.value * 10, 9);
    }
  });

  const ids = [...catalogueV1.models.map((m) => m.id), 'acme-x9', 'nvidia-h100-sxm'];

  it('equals an independent exact sum over a generated fleet, per precision, with unknown models counted apart', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...ids), { minLength: 0, maxLength: 3000 }), (fleet) => {
      const totals = sumCompute(fleet);
      const expected = expectedTotals(fleet);
      expect(totals.chips).toBe(fleet.length);
      expect(totals.uncatalogued).toBe(expected.uncatalogued);
      expect(totals.denseFlopsPerSecond).toEqual(expected.flops);
      expect(totals.chipsPublishing).toEqual(expected.publishing);
      expect(totals.h100Equivalents).toBeCloseTo(expected.h100Equivalents, 9);
    }), { numRuns: 40 });
  });

  it('sums the TPP index exactly, whatever the order of the chips', () => {
    const fleet = [...Array(1000).fill('amd-mi300x'), ...Array(7).fill('nvidia-h20')];
    expect(sumCompute(fleet).tppIndex).toBe(1000 * 20919.2 + 7 * 2368);
    expect(sumCompute([...fleet].reverse())).toEqual(sumCompute(fleet));
  });

  it('adds nothing for an empty site', () => {
    const totals = sumCompute([]);
    expect(totals).toMatchObject({ chips: 0, uncatalogued: 0, tppIndex: 0, h100Equivalents: 0 });
    expect(Object.values(totals.denseFlopsPerSecond).every((value) => value === 0)).toBe(true);
  });

  it('reaches 10^20 dense BF16 operations per second at 101,113 H100s, not at 101,112 (DOMAIN.md: about 101k)', () => {
    const h100s = (n: number) => sumCompute(Array(n).fill('nvidia-h100-sxm')).denseFlopsPerSecond.BF16;
    expect(h100s(101_112)).toBeLessThan(1e20);
    expect(h100s(101_113)).toBeGreaterThanOrEqual(1e20);
  });
});
