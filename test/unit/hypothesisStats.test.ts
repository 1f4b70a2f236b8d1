import { describe, expect, it } from 'vitest';
import { binomialTwoSidedP, chiSquare1P, kolmogorovQ, signedRankExactP, tTwoSidedP } from '../../src/agents/lib/distributions.js';
import { averageRanks, effectSize, holm, mcnemarTest, pairedTTest, welchTTest, wilcoxonSignedRank } from '../../src/agents/lib/hypothesis.js';

// Reference values from scipy 1.17 (stats.ttest_rel, ttest_ind(equal_var=False), wilcoxon,
// binomtest, chi2.sf, t.sf, kstwobign.sf) on the same inputs.

describe('distributions', () => {
  it("Student's t two-sided p matches scipy, fractional df included", () => {
    expect(tTwoSidedP(2, 5)).toBeCloseTo(0.10193947882985835, 10);
    expect(tTwoSidedP(-2, 5)).toBeCloseTo(0.10193947882985835, 10);
    expect(tTwoSidedP(2.5, 7.3)).toBeCloseTo(0.03965023466560043, 10);
    expect(tTwoSidedP(0, 3)).toBeCloseTo(1, 12);
  });

  it('the Kolmogorov tail matches kstwobign on both sides of its series switch', () => {
    expect(kolmogorovQ(0.5)).toBeCloseTo(0.9639452436648751, 9);
    expect(kolmogorovQ(1.0)).toBeCloseTo(0.26999967167735456, 9);
    expect(kolmogorovQ(1.5)).toBeCloseTo(0.022217962616525127, 9);
    expect(kolmogorovQ(0)).toBe(1);
  });

  it('chi-squared(1) and the exact binomial tail', () => {
    expect(chiSquare1P(6.880952380952381)).toBeCloseTo(0.008711912962379598, 6);
    expect(chiSquare1P(0)).toBe(1);
    expect(binomialTwoSidedP(3, 13)).toBeCloseTo(0.09228515625, 12);
    expect(binomialTwoSidedP(6, 12)).toBe(1);
  });

  it('the exact signed-rank p of the smallest statistic is 2 / 2^n, with or without ties', () => {
    expect(signedRankExactP(0, [1, 2, 3, 4, 5])).toBeCloseTo(0.0625, 12);
    expect(signedRankExactP(0, [3, 3, 3, 3, 3])).toBeCloseTo(0.0625, 12);
    expect(signedRankExactP(0, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toBeCloseTo(2 / 1024, 12);
  });
});

describe('hypothesis tests', () => {
  it('paired t-test on five folds: t, p and d_z as scipy ttest_rel', () => {
    const r = pairedTTest([0.91, 0.93, 0.89, 0.94, 0.92], [0.88, 0.9, 0.87, 0.91, 0.9]);
    expect(r.statistic).toBeCloseTo(10.61445555206047, 8);
    expect(r.p).toBeCloseTo(0.0004459536647407907, 9);
    expect(r.df).toBe(4);
    expect(r.effect).toBeCloseTo(4.746928831711453, 8);
  });

  it('a paired test of a model against itself finds nothing; a constant gap is certain', () => {
    const same = pairedTTest([0.9, 0.8, 0.85], [0.9, 0.8, 0.85]);
    expect(same).toMatchObject({ statistic: 0, p: 1, effect: 0 });
    // 0.95 - 0.90 and 0.96 - 0.91 differ in the 17th digit: still one constant gap.
    const gap = pairedTTest([0.95, 0.96, 0.94], [0.9, 0.91, 0.89]);
    expect(gap.p).toBe(0);
    expect(gap.statistic).toBe(Infinity);
  });

  it("Welch's t-test as scipy ttest_ind(equal_var=False)", () => {
    const r = welchTTest([0.81, 0.84, 0.79, 0.86, 0.83, 0.8], [0.78, 0.8, 0.74, 0.77, 0.79, 0.76, 0.75]);
    expect(r.statistic).toBeCloseTo(3.82163096359191, 8);
    expect(r.df).toBeCloseTo(9.719742820710847, 8);
    expect(r.p).toBeCloseTo(0.0035429778094025676, 9);
  });

  it('Wilcoxon signed-rank, exact without ties: statistic, p and rank-biserial r', () => {
    const d = [1.5, -0.5, 2.3, 3.1, 4.2, -1.1, 2.7, 0.9];
    const r = wilcoxonSignedRank(d, d.map(() => 0));
    expect(r.statistic).toBe(4);
    expect(r.p).toBeCloseTo(0.0546875, 12);
    // W- = 1 + 3, W+ = 32: r = (32 - 4) / 36.
    expect(r.effect).toBeCloseTo(28 / 36, 12);
    const fifteen = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, -13, 14, -15];
    expect(wilcoxonSignedRank(fifteen, fifteen.map(() => 0)).p).toBeCloseTo(0.072998046875, 12);
  });

  it('Wilcoxon on the textbook blood-pressure pairs (a zero and ties): exact over sign patterns, as scipy', () => {
    const before = [125, 115, 130, 140, 140, 115, 140, 125, 140, 135];
    const after = [110, 122, 125, 120, 140, 124, 123, 137, 135, 145];
    const r = wilcoxonSignedRank(before, after);
    expect(r.statistic).toBe(18);
    expect(r.p).toBeCloseTo(0.6328125, 12);
    expect(r.method).toBe('exact, 9 pairs, ties');
    // The same gap in all five folds: exactly 2 / 2^5, not the normal approximation's 0.025.
    expect(wilcoxonSignedRank([0.95, 0.96, 0.94, 0.97, 0.95], [0.9, 0.91, 0.89, 0.92, 0.9]).p).toBeCloseTo(0.0625, 12);
  });

  it('Wilcoxon above 50 pairs: the tie-corrected normal approximation, as scipy method="approx"', () => {
    const d = Array.from({ length: 60 }, (_, i) => ((i * 7) % 23) - 8);
    const r = wilcoxonSignedRank(d, d.map(() => 0));
    expect(r.statistic).toBe(442.5);
    expect(r.p).toBeCloseTo(0.0022635028781077923, 6);
    expect(r.method).toBe('normal approximation, 57 pairs, ties');
  });

  it("McNemar's test: exact for few discordant rows, corrected chi-squared for many", () => {
    const exact = mcnemarTest(10, 3);
    expect(exact.p).toBeCloseTo(0.09228515625, 12);
    expect(exact.statistic).toBe(3);
    expect(exact.effect).toBeCloseTo(10 / 3, 12);
    const chi = mcnemarTest(30, 12);
    expect(chi.statistic).toBeCloseTo(6.880952380952381, 12);
    expect(chi.p).toBeCloseTo(0.008711912962379598, 6);
    expect(mcnemarTest(0, 0).p).toBe(1);
    expect(mcnemarTest(5, 0).effect).toBeCloseTo(11, 12);
  });

  it("Holm's adjustment is step-down and monotone", () => {
    expect(holm([0.01, 0.04, 0.03])).toEqual([0.03, 0.06, 0.06]);
    expect(holm([0.5])).toEqual([0.5]);
    expect(holm([0.6, 0.7])).toEqual([1, 1]);
  });

  it('average ranks and effect size words', () => {
    expect(averageRanks([3, 1, 3, 2])).toEqual([3.5, 1, 3.5, 2]);
    expect(effectSize('d', 1.3)).toBe('large');
    expect(effectSize('d', -0.3)).toBe('small');
    expect(effectSize('r', 0.05)).toBe('negligible');
    expect(effectSize('OR', 0.25)).toBe('medium');
  });
});
