/**
 * ECCN 3A090 metrics and classification (rule of 17 Nov 2023, 88 FR 73458), as pure functions of dense figures.
 * Sparse figures must never reach these functions: they double TPP and would misclassify a chip.
 */
export const PRECISIONS = ['FP64', 'FP32', 'TF32', 'BF16', 'FP16', 'FP8', 'INT8', 'FP4'] as const;
export type Precision = (typeof PRECISIONS)[number];

/** Dense TFLOPS (TOPS for integer formats) per precision; a precision the vendor does not publish is absent. */
export type DenseThroughput = Readonly<Partial<Record<Precision, number>>>;

/**
 * Operand bit length the rule multiplies by. TF32 counts as 32 (its storage width): it runs at half the 16-bit rate
 * on every part here, so it never sets the maximum either way.
 */
export const BIT_LENGTH = {
  FP64: 64, FP32: 32, TF32: 32, BF16: 16, FP16: 16, FP8: 8, INT8: 8, FP4: 4,
} as const satisfies Record<Precision, number>;

export const ECCN_3A090_CLASSIFICATIONS = ['3A090.a', '3A090.b', 'not-controlled', 'undetermined'] as const;
export type Eccn3a090Classification = (typeof ECCN_3A090_CLASSIFICATIONS)[number];

/** Rounds away binary floating-point noise (2614.9 × 8 = 20919.199999…) without hiding a real fraction. */
const tidy = (value: number): number => Math.round(value * 1000) / 1000;

/**
 * TPP = 2 × MacTOPS × bit length. One MAC is two operations, so 2 × MacTOPS is the vendor's dense TOPS/TFLOPS:
 * TPP = dense TOPS × bit length, the maximum over the precisions the part supports.
 */
export const totalProcessingPerformance = (throughput: DenseThroughput): number =>
  tidy(Math.max(0, ...PRECISIONS.map((precision) => (throughput[precision] ?? 0) * BIT_LENGTH[precision])));

/** PD = TPP / die area (mm²); unknown when the die area is not published. */
export const performanceDensity = (tpp: number, dieAreaMm2: number | null): number | null =>
  dieAreaMm2 === null ? null : tidy(tpp / dieAreaMm2);

const TPP_A = 4800;
const TPP_FLOOR = 1600;
const TPP_B_BAND = 2400;
const PD_A = 5.92;
const PD_B_BAND = 1.6;
const PD_B = 3.2;

/**
 * 3A090.a: TPP ≥ 4800, or TPP ≥ 1600 and PD ≥ 5.92.
 * 3A090.b: 2400 ≤ TPP < 4800 with 1.6 ≤ PD < 5.92, or TPP ≥ 1600 with 3.2 ≤ PD < 5.92.
 * Without a die area only TPP can decide: ≥ 4800 is .a, < 1600 is not controlled, anything between is undetermined.
 */
export const classify3a090 = (tpp: number, pd: number | null): Eccn3a090Classification => {
  if (tpp >= TPP_A) return '3A090.a';
  if (tpp < TPP_FLOOR) return 'not-controlled';
  if (pd === null) return 'undetermined';
  if (pd >= PD_A) return '3A090.a';
  const inTppBand = tpp >= TPP_B_BAND && pd >= PD_B_BAND;
  if (inTppBand || pd >= PD_B) return '3A090.b';
  return 'not-controlled';
};
