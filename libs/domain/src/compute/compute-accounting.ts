import type { AcceleratorModel } from '../catalogue/accelerator-catalogue';
import { findAcceleratorModel } from '../catalogue/accelerator-models';
import { PRECISIONS } from '../catalogue/export-control-classification';
import type { Precision } from '../catalogue/export-control-classification';

/**
 * H100-equivalents: a chip's dense 16-bit floating-point throughput (BF16 where the vendor publishes it, FP16
 * otherwise: Huawei publishes FP16 only) divided by the dense BF16 throughput of an NVIDIA H100 SXM (989 TFLOPS). A
 * chip that publishes neither counts as 0. This is a rate, unlike TPP, which is an index for export classification.
 */
export const H100_EQUIVALENT_BASIS = {
  referenceModelId: 'nvidia-h100-sxm',
  referencePrecision: 'BF16',
  chipPrecisions: ['BF16', 'FP16'],
} as const satisfies { referenceModelId: string; referencePrecision: Precision; chipPrecisions: readonly Precision[] };

/** Catalogue figures are TFLOPS with at most three decimals: as whole GFLOP/s, sums over any fleet stay exact. */
const gflops = (tflops: number): number => Math.round(tflops * 1000);

const sixteenBitGflops = (model: AcceleratorModel): number => {
  const precision = H100_EQUIVALENT_BASIS.chipPrecisions.find((p) => model.denseThroughput[p] !== undefined);
  return precision === undefined ? 0 : gflops(model.denseThroughput[precision] as number);
};

const referenceGflops = ((): number => {
  const reference = findAcceleratorModel(H100_EQUIVALENT_BASIS.referenceModelId);
  const figure = reference?.denseThroughput[H100_EQUIVALENT_BASIS.referencePrecision];
  if (figure === undefined) throw new Error(`the catalogue has no dense BF16 figure for ${H100_EQUIVALENT_BASIS.referenceModelId}`);
  return gflops(figure);
})();

/** One chip's compute: dense operations per second per precision it publishes, its TPP index and H100-equivalents. */
export type ChipCompute = {
  readonly modelId: string;
  readonly denseFlopsPerSecond: Readonly<Partial<Record<Precision, number>>>;
  /** Total Processing Performance (88 FR 73458): an export-control index, not a rate. */
  readonly tppIndex: number;
  readonly h100Equivalents: number;
};

export const chipCompute = (model: AcceleratorModel): ChipCompute => ({
  modelId: model.id,
  denseFlopsPerSecond: Object.fromEntries(
    PRECISIONS.filter((p) => model.denseThroughput[p] !== undefined).map((p) => [p, gflops(model.denseThroughput[p] as number) * 1e9]),
  ),
  tppIndex: model.tpp,
  h100Equivalents: sixteenBitGflops(model) / referenceGflops,
});

export type ComputeTotals = {
  readonly chips: number;
  /** Chips of a model the catalogue lacks: counted here, with no compute. */
  readonly uncatalogued: number;
  /** Per precision, the sum over the chips that publish it (see `chipsPublishing`): an FP8 total leaves A100s out. */
  readonly denseFlopsPerSecond: Readonly<Record<Precision, number>>;
  readonly chipsPublishing: Readonly<Record<Precision, number>>;
  readonly tppIndex: number;
  readonly h100Equivalents: number;
};

const perPrecision = (value: number): Record<Precision, number> =>
  Object.fromEntries(PRECISIONS.map((p) => [p, value])) as Record<Precision, number>;

/**
 * Sums installed chips, given by model id. Sums are taken in whole GFLOP/s (and thousandths of TPP) and scaled once,
 * so the totals do not depend on the order of the chips and a threshold of 10^20 is compared without drift.
 */
export const sumCompute = (
  modelIds: Iterable<string>, lookup: (id: string) => AcceleratorModel | undefined = findAcceleratorModel,
): ComputeTotals => {
  const gflopsSum = perPrecision(0);
  const chipsPublishing = perPrecision(0);
  let chips = 0;
  let uncatalogued = 0;
  let tppThousandths = 0;
  let sixteenBit = 0;
  for (const id of modelIds) {
    chips += 1;
    const model = lookup(id);
    if (!model) {
      uncatalogued += 1;
      continue;
    }
    for (const precision of PRECISIONS) {
      const figure = model.denseThroughput[precision];
      if (figure === undefined) continue;
      gflopsSum[precision] += gflops(figure);
      chipsPublishing[precision] += 1;
    }
    tppThousandths += Math.round(model.tpp * 1000);
    sixteenBit += sixteenBitGflops(model);
  }
  const denseFlopsPerSecond = perPrecision(0);
  for (const precision of PRECISIONS) denseFlopsPerSecond[precision] = gflopsSum[precision] * 1e9;
  return {
    chips, uncatalogued, denseFlopsPerSecond, chipsPublishing, tppIndex: tppThousandths / 1000, h100Equivalents: sixteenBit / referenceGflops,
  };
};
