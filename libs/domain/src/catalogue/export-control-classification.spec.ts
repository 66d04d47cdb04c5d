import {
  BIT_LENGTH, PRECISIONS, classify3a090, performanceDensity, totalProcessingPerformance,
} from './export-control-classification';

describe('TPP (88 FR 73458: 2 × dense MacTOPS × bit length, the maximum over precisions)', () => {
  it('is dense TOPS × bit length at the precision that gives most', () => {
    expect(totalProcessingPerformance({ BF16: 312, INT8: 624, FP64: 19.5 })).toBe(4992);
    expect(totalProcessingPerformance({ BF16: 459, INT8: 918 })).toBe(7344);
    // The rule's own example: 600 TOPS at 8 bits and 300 TFLOPS at 16 bits are both 4800.
    expect(totalProcessingPerformance({ INT8: 600 })).toBe(4800);
    expect(totalProcessingPerformance({ FP16: 300 })).toBe(4800);
  });

  it('takes a wide precision when it gives most (FP64 at 64 bits)', () => {
    expect(totalProcessingPerformance({ FP64: 100, FP16: 300 })).toBe(6400);
  });

  it('counts FP4 at 4 bits', () => {
    expect(totalProcessingPerformance({ FP4: 9000, FP8: 1000 })).toBe(36000);
  });

  it('has no floating-point noise for decimal figures', () => {
    expect(totalProcessingPerformance({ FP8: 2614.9 })).toBe(20919.2);
  });

  it('knows the bit length of every precision', () => {
    expect(PRECISIONS.map((precision) => BIT_LENGTH[precision])).toEqual([64, 32, 32, 16, 16, 8, 8, 4]);
  });
});

describe('performance density', () => {
  it('is TPP per mm² of die', () => {
    expect(performanceDensity(15832, 814)).toBeCloseTo(19.45, 2);
  });

  it('is unknown without a die area', () => {
    expect(performanceDensity(15832, null)).toBeNull();
  });
});

describe('ECCN 3A090 classification (thresholds of 88 FR 73458)', () => {
  it.each([
    { tpp: 4800, pd: null, expected: '3A090.a', why: 'TPP ≥ 4800 decides without a die area' },
    { tpp: 4800, pd: 0.5, expected: '3A090.a', why: 'TPP ≥ 4800 whatever the density' },
    { tpp: 4799, pd: 5.92, expected: '3A090.a', why: 'TPP ≥ 1600 and PD ≥ 5.92' },
    { tpp: 1600, pd: 5.92, expected: '3A090.a', why: 'the lowest corner of .a' },
    { tpp: 1600, pd: 5.91, expected: '3A090.b', why: 'TPP ≥ 1600 with 3.2 ≤ PD < 5.92' },
    { tpp: 1600, pd: 3.2, expected: '3A090.b', why: 'the lowest corner of the second .b clause' },
    { tpp: 1600, pd: 3.19, expected: 'not-controlled', why: 'below 3.2 and below the 2400 band' },
    { tpp: 2400, pd: 1.6, expected: '3A090.b', why: 'the lowest corner of the first .b clause' },
    { tpp: 4799, pd: 1.6, expected: '3A090.b', why: 'the top of the 2400-4800 band' },
    { tpp: 2400, pd: 1.59, expected: 'not-controlled', why: 'the band needs PD ≥ 1.6' },
    { tpp: 2399, pd: 3.19, expected: 'not-controlled', why: 'under the band and under PD 3.2' },
    { tpp: 1599, pd: 50, expected: 'not-controlled', why: 'TPP < 1600 is never controlled' },
    { tpp: 1599, pd: null, expected: 'not-controlled', why: 'TPP < 1600 decides without a die area' },
    { tpp: 1600, pd: null, expected: 'undetermined', why: 'between 1600 and 4800 the density decides, and it is unknown' },
    { tpp: 4799, pd: null, expected: 'undetermined', why: 'just under 4800 without a die area' },
  ] as const)('TPP $tpp, PD $pd: $expected ($why)', ({ tpp, pd, expected }) => {
    expect(classify3a090(tpp, pd)).toBe(expected);
  });
});
