import { describe, expect, it } from 'vitest';
import { ksTwoSampleP } from '../../src/agents/lib/distributions.js';
import { PSI_EPSILON, ksTwoSample, psiCategorical, psiNumeric, quantileEdges, tableDrift } from '../../src/agents/lib/drift.js';

const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);

describe('PSI', () => {
  it('is 0 for identical distributions', () => {
    expect(psiNumeric(range(1000), range(1000))).toBe(0);
    expect(psiNumeric(range(1000), range(500).map((i) => 2 * i))).toBeLessThan(0.01);
    expect(psiCategorical(['a', 'b', 'c'], ['c', 'b', 'a'])).toBe(0);
  });

  it('on deciles of 0..999 shifted by 500: five empty bins (epsilon), four unchanged, the last holding 60%', () => {
    const eps = PSI_EPSILON;
    const expected = 5 * (eps - 0.1) * Math.log(eps / 0.1) + (0.6 - 0.1) * Math.log(0.6 / 0.1);
    expect(psiNumeric(range(1000), range(1000, 500))).toBeCloseTo(expected, 10);
    expect(expected).toBeCloseTo(4.3463, 3);
  });

  it('over categories: (0.25 - 0.5) ln 0.5 + (0.75 - 0.5) ln 1.5 = ln(3) / 4', () => {
    expect(psiCategorical(['a', 'a', 'b', 'b'], ['a', 'b', 'b', 'b'])).toBeCloseTo(Math.log(3) / 4, 12);
  });

  it('bins on reference quantiles, merging repeated cut points of a discrete column', () => {
    expect(quantileEdges([1, 1, 1, 1, 1, 1, 2, 3, 4, 5], 4)).toEqual([1, 2.75]);
  });
});

describe('two-sample Kolmogorov–Smirnov', () => {
  // scipy: ks_2samp(k1, k2) gives D = 0.23, p = 0.5319 (asymp) or 0.5286 (exact).
  const k1 = [0.61, 0.29, 0.06, 0.59, -1.73, -0.74, 0.51, -0.56, 0.39, 1.64, 0.05, -0.06, 0.64, -0.82, 0.37, 1.77, 1.09, -1.28, 2.36, 1.31, 1.05, -0.32, -0.4, 1.06, -2.47];
  const k2 = [2.2, 1.66, 1.38, 0.2, 0.36, 0.0, 0.96, 1.56, 0.44, 1.5, -0.3, 0.66, 2.31, 3.29, -0.27, -0.37, 0.38, 0.7, 0.52, -0.72];

  it('statistic as scipy and the asymptotic p within 0.015 of it', () => {
    const r = ksTwoSample(k1, k2);
    expect(r.statistic).toBeCloseTo(0.23, 12);
    expect(Math.abs(r.p - 0.5318713439638902)).toBeLessThan(0.015);
  });

  it('ties step both ECDFs together; disjoint samples give D = 1', () => {
    expect(ksTwoSample([1, 2, 2, 3], [1, 2, 2, 3]).statistic).toBe(0);
    expect(ksTwoSample([1, 1, 2], [1, 2, 2]).statistic).toBeCloseTo(1 / 3, 12);
    const apart = ksTwoSample(range(50), range(50, 100));
    expect(apart.statistic).toBe(1);
    expect(apart.p).toBeLessThan(1e-10);
    expect(ksTwoSampleP(0, 10, 10)).toBe(1);
  });
});

describe('table drift', () => {
  it('names numeric and categorical features, skips ignored columns and lists missing ones', () => {
    const reference = { columns: ['id', 'x', 'color', 'gone'], rows: range(200).map((i) => [i, i % 50, i % 2 ? 'red' : 'blue', 1]) };
    const current = { columns: ['id', 'x', 'color'], rows: range(200).map((i) => [i + 1000, (i % 50) + 40, 'red']) };
    const { features, missing } = tableDrift(reference, current, { bins: 10, ignore: ['id'] });
    expect(features.map((f) => [f.feature, f.kind])).toEqual([
      ['x', 'numeric'],
      ['color', 'categorical'],
    ]);
    expect(missing).toEqual(['gone']);
    const [x, color] = features;
    expect(x?.psi).toBeGreaterThan(1);
    expect(x?.ks?.statistic).toBeCloseTo(0.8, 12);
    expect(x?.reference).toBeCloseTo(24.5, 12);
    expect(color?.reference).toBe('blue 50%');
    expect(color?.current).toBe('blue 0%');
  });
});
