import type { Precision } from '../catalogue/export-control-classification';
import type { ComputeTotals } from './compute-accounting';

/** A reporting threshold in operations per second, counted at one stated precision. */
export type ComputeThreshold = { readonly opsPerSecond: number; readonly precision: Precision; readonly basis: string };

/**
 * US Executive Order 14110 §4.2(b) (Oct 2023, revoked Jan 2025): computing clusters with a theoretical maximum of
 * 10^20 operations per second for AI training. The order names no precision; dense BF16 is the usual training
 * precision and the basis of H100-equivalents, so it is the default here (10^20 ≈ 101k H100 at dense BF16).
 */
export const EO_14110_CLUSTER_THRESHOLD: ComputeThreshold = {
  opsPerSecond: 1e20,
  precision: 'BF16',
  basis: 'US Executive Order 14110 §4.2(b): 10^20 operations per second (the order names no precision; counted at dense BF16)',
};

export type ComputeReading = { readonly at: string; readonly totals: ComputeTotals };

export type ThresholdCrossing = {
  readonly at: string;
  /** `above`: the total reached the threshold (≥); `below`: it fell under it again. */
  readonly direction: 'above' | 'below';
  readonly opsPerSecond: number;
  readonly threshold: ComputeThreshold;
};

/**
 * The crossings in a series of successive totals (in time order) of one facility or cluster, which starts below the
 * threshold (no compute) unless said otherwise. Totals are whole GFLOP/s scaled once (see sumCompute), and values
 * that close to 10^20 differ from it by far more than a rounding step, so `>=` is exact here.
 */
export const thresholdCrossings = (
  readings: readonly ComputeReading[], threshold: ComputeThreshold = EO_14110_CLUSTER_THRESHOLD, startsAbove = false,
): ThresholdCrossing[] => {
  const crossings: ThresholdCrossing[] = [];
  let above = startsAbove;
  for (const { at, totals } of readings) {
    const opsPerSecond = totals.denseFlopsPerSecond[threshold.precision];
    const nowAbove = opsPerSecond >= threshold.opsPerSecond;
    if (nowAbove !== above) crossings.push({ at, direction: nowAbove ? 'above' : 'below', opsPerSecond, threshold });
    above = nowAbove;
  }
  return crossings;
};
