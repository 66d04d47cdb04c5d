/** Small numeric helpers: medians over repetitions, percentiles over latency samples, a timer. */

export const median = (values: readonly number[]): number => {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Nearest-rank percentile (p in 0..100) of samples that are already sorted ascending. */
export const percentileOfSorted = (sorted: ArrayLike<number>, p: number): number => {
  if (!sorted.length) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
};

/** Accumulates the time spent inside `time()` calls only, so building inputs between them is not counted. */
export class Stopwatch {
  private elapsed = 0n;

  time<T>(work: () => T): T {
    const started = process.hrtime.bigint();
    try {
      return work();
    } finally {
      this.elapsed += process.hrtime.bigint() - started;
    }
  }

  async timeAsync<T>(work: () => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    try {
      return await work();
    } finally {
      this.elapsed += process.hrtime.bigint() - started;
    }
  }

  get seconds(): number {
    return Number(this.elapsed) / 1e9;
  }
}

/** Latency samples in nanoseconds: p50 and p99 in milliseconds. */
export const latencySummary = (samplesNs: Float64Array): { p50: number; p99: number } => {
  const sorted = Float64Array.from(samplesNs).sort();
  return { p50: percentileOfSorted(sorted, 50) / 1e6, p99: percentileOfSorted(sorted, 99) / 1e6 };
};

export const mb = (bytes: number): number => bytes / (1024 * 1024);
