import type { AcceleratorModel } from '../catalogue/accelerator-catalogue';
import { findAcceleratorModel } from '../catalogue/accelerator-models';
import { sumCompute } from './compute-accounting';
import { EO_14110_CLUSTER_THRESHOLD, thresholdCrossings } from './compute-threshold';
import type { ComputeThreshold } from './compute-threshold';

/** A test part of exactly 100,000 dense BF16 TFLOPS (10^17 operations per second): 1,000 of them make exactly 10^20. */
const PETA = { ...(findAcceleratorModel('nvidia-h100-sxm') as AcceleratorModel), id: 'test-peta', denseThroughput: { BF16: 100_000, FP8: 200_000 } };
const lookup = (id: string) => (id === PETA.id ? PETA : findAcceleratorModel(id));
const peta = (n: number) => sumCompute(Array(n).fill(PETA.id), lookup);

const at = (day: number) => `2026-11-${String(day).padStart(2, '0')}T00:00:00.000Z`;

describe('the reporting threshold', () => {
  it('defaults to 10^20 operations per second at dense BF16, citing EO 14110 §4.2(b)', () => {
    expect(EO_14110_CLUSTER_THRESHOLD).toMatchObject({ opsPerSecond: 1e20, precision: 'BF16' });
    expect(EO_14110_CLUSTER_THRESHOLD.basis).toMatch(/14110 §4\.2\(b\)/);
  });

  it('reports crossings in either direction, with the time each happened; reaching the threshold exactly is crossing it', () => {
    const series = [999, 1000, 1001, 999, 990, 1000].map((n, i) => ({ at: at(i + 1), totals: peta(n) }));
    expect(thresholdCrossings(series)).toEqual([
      { at: at(2), direction: 'above', opsPerSecond: 1e20, threshold: EO_14110_CLUSTER_THRESHOLD },
      { at: at(4), direction: 'below', opsPerSecond: 999e17, threshold: EO_14110_CLUSTER_THRESHOLD },
      { at: at(6), direction: 'above', opsPerSecond: 1e20, threshold: EO_14110_CLUSTER_THRESHOLD },
    ]);
  });

  it('reports nothing while a site stays on one side, and a fall when it starts above', () => {
    const steady = [10, 500, 999].map((n, i) => ({ at: at(i + 1), totals: peta(n) }));
    expect(thresholdCrossings(steady)).toEqual([]);
    expect(thresholdCrossings(steady, EO_14110_CLUSTER_THRESHOLD, true)).toEqual([expect.objectContaining({ at: at(1), direction: 'below' })]);
  });

  it('counts at the configured precision and level', () => {
    const h100s = (n: number) => sumCompute(Array(n).fill('nvidia-h100-sxm'));
    const series = [{ at: at(1), totals: h100s(50_000) }, { at: at(2), totals: h100s(50_531) }];
    const fp8: ComputeThreshold = { ...EO_14110_CLUSTER_THRESHOLD, precision: 'FP8', basis: 'test: FP8' };
    // 50,531 H100 × 1,979 dense FP8 TFLOPS ≥ 10^20 (DOMAIN.md: ≈ 50.5k), far below it at BF16.
    expect(thresholdCrossings(series, fp8)).toEqual([expect.objectContaining({ at: at(2), direction: 'above', threshold: fp8 })]);
    expect(thresholdCrossings(series)).toEqual([]);
    const lower: ComputeThreshold = { opsPerSecond: 1e19, precision: 'BF16', basis: 'test: 10^19' };
    expect(thresholdCrossings(series, lower)).toEqual([expect.objectContaining({ at: at(1), direction: 'above' })]);
  });
});
