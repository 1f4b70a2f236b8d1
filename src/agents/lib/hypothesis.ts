import { mean, sampleStandardDeviation, sampleVariance } from 'simple-statistics';
import { binomialTwoSidedP, chiSquare1P, normalTwoSidedP, signedRankExactP, tTwoSidedP } from './distributions.js';

/**
 * Two-sided tests of model A against model B. Every result is oriented so that a positive
 * statistic or effect means A scores higher (or, for McNemar, is right more often).
 */
export interface TestResult {
  statistic: number;
  p: number;
  df?: number;
  /** Cohen's d (t-tests), matched-pairs rank-biserial r (Wilcoxon) or the discordant odds ratio (McNemar). */
  effect: number;
  effectName: 'd' | 'r' | 'OR';
  /** How the p-value was found, for the printed report. */
  method: string;
}

/** Welch's t-test: two independent samples with possibly unequal variances; d uses the pooled SD. */
export function welchTTest(a: readonly number[], b: readonly number[]): TestResult {
  const [na, nb] = [a.length, b.length];
  const [va, vb] = [sampleVariance(a) / na, sampleVariance(b) / nb];
  const diff = mean(a) - mean(b);
  const pooled = Math.sqrt(((na - 1) * sampleVariance(a) + (nb - 1) * sampleVariance(b)) / (na + nb - 2));
  const effect = pooled === 0 ? degenerate(diff) : diff / pooled;
  if (va + vb === 0) return { statistic: degenerate(diff), p: diff === 0 ? 1 : 0, df: na + nb - 2, effect, effectName: 'd', method: 'Welch (no variance)' };
  const t = diff / Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va ** 2 / (na - 1) + vb ** 2 / (nb - 1));
  return { statistic: t, p: tTwoSidedP(t, df), df, effect, effectName: 'd', method: 'Welch' };
}

/** Paired t-test over matched folds; the effect is d_z, the mean difference over its SD. */
export function pairedTTest(a: readonly number[], b: readonly number[]): TestResult {
  const diffs = a.map((x, i) => tidy(x - (b[i] ?? NaN)));
  const df = diffs.length - 1;
  const m = mean(diffs);
  // Compared exactly: the SD of equal values can come out as 1e-17 rather than 0.
  const sd = diffs.every((d) => d === diffs[0]) ? 0 : sampleStandardDeviation(diffs);
  if (sd === 0) return { statistic: degenerate(m), p: m === 0 ? 1 : 0, df, effect: degenerate(m), effectName: 'd', method: 'paired (constant difference)' };
  // Not simple-statistics' tTest: it divides by the population SD, which overstates t on a few folds.
  const t = m / (sd / Math.sqrt(diffs.length));
  return { statistic: t, p: tTwoSidedP(t, df), df, effect: m / sd, effectName: 'd', method: 'paired' };
}

/** Fold scores are rounded decimals: 0.95 - 0.93 and 0.97 - 0.95 must be the same difference, not 1e-17 apart. */
function tidy(diff: number): number {
  return Number(diff.toPrecision(12));
}

/** 0 for no difference, otherwise an infinite statistic in the direction of the difference. */
function degenerate(diff: number): number {
  return diff === 0 ? 0 : Math.sign(diff) * Infinity;
}

/** Ranks 1..n with ties given their average rank. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((x, y) => x.v - y.v);
  const ranks = new Array<number>(values.length).fill(0);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]?.v === order[start]?.v) end++;
    for (let k = start; k <= end; k++) ranks[order[k]?.i ?? 0] = (start + end) / 2 + 1;
    start = end + 1;
  }
  return ranks;
}

/**
 * Wilcoxon signed-rank test on paired scores. Zero differences are dropped (Wilcoxon's method,
 * scipy's default); the statistic is min(W+, W-). Exact p over the sign patterns for up to 50
 * pairs, ties included; above, the normal approximation with the tie correction of the variance
 * (no continuity correction, as scipy). The effect is the matched-pairs rank-biserial r = (W+ - W-) / (W+ + W-).
 */
export function wilcoxonSignedRank(a: readonly number[], b: readonly number[]): TestResult {
  const diffs = a.map((x, i) => tidy(x - (b[i] ?? NaN))).filter((d) => d !== 0);
  const n = diffs.length;
  if (n === 0) return { statistic: 0, p: 1, effect: 0, effectName: 'r', method: 'no non-zero differences' };
  const ranks = averageRanks(diffs.map(Math.abs));
  let plus = 0;
  let minus = 0;
  diffs.forEach((d, i) => {
    if (d > 0) plus += ranks[i] ?? 0;
    else minus += ranks[i] ?? 0;
  });
  const statistic = Math.min(plus, minus);
  const effect = (plus - minus) / (plus + minus);
  const tieGroups = new Map<number, number>();
  for (const d of diffs) tieGroups.set(Math.abs(d), (tieGroups.get(Math.abs(d)) ?? 0) + 1);
  const ties = [...tieGroups.values()].filter((t) => t > 1);
  if (n <= 50) return { statistic, p: signedRankExactP(statistic, ranks), effect, effectName: 'r', method: `exact, ${n} pairs${ties.length ? ', ties' : ''}` };
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - ties.reduce((s, t) => s + t ** 3 - t, 0) / 48;
  const z = variance > 0 ? (statistic - (n * (n + 1)) / 4) / Math.sqrt(variance) : 0;
  return { statistic, p: normalTwoSidedP(z), effect, effectName: 'r', method: `normal approximation, ${n} pairs${ties.length ? ', ties' : ''}` };
}

/**
 * McNemar's test from the discordant pairs: b rows only A got right, c rows only B got right.
 * Fewer than 25 discordant rows: the exact binomial test; otherwise chi-squared with the continuity
 * correction. The effect is the odds ratio b / c (with 0.5 added to both when either is 0).
 */
export function mcnemarTest(b: number, c: number): TestResult {
  const n = b + c;
  const effect = b === 0 || c === 0 ? (b + 0.5) / (c + 0.5) : b / c;
  if (n === 0) return { statistic: 0, p: 1, effect: 1, effectName: 'OR', method: 'no discordant rows' };
  if (n < 25) return { statistic: Math.min(b, c), p: binomialTwoSidedP(b, n), effect, effectName: 'OR', method: `exact binomial, ${n} discordant rows` };
  const chi2 = (Math.abs(b - c) - 1) ** 2 / n;
  return { statistic: chi2, p: chiSquare1P(chi2), df: 1, effect, effectName: 'OR', method: `chi-squared with continuity correction, ${n} discordant rows` };
}

/** Holm's step-down adjustment of p-values for m comparisons, in the order given. */
export function holm(ps: readonly number[]): number[] {
  const m = ps.length;
  const order = ps.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p);
  const adjusted = new Array<number>(m).fill(1);
  let running = 0;
  order.forEach(({ p, i }, k) => {
    running = Math.max(running, Math.min(1, (m - k) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

/** Conventional size words: Cohen for d, Kerby/Cohen for r, Chen et al. (2010) for odds ratios. */
export function effectSize(name: TestResult['effectName'], value: number): 'negligible' | 'small' | 'medium' | 'large' {
  const v = name === 'OR' ? (value >= 1 ? value : 1 / value) : Math.abs(value);
  const [small, medium, large] = name === 'd' ? [0.2, 0.5, 0.8] : name === 'r' ? [0.1, 0.3, 0.5] : [1.68, 3.47, 6.71];
  if (v >= large) return 'large';
  if (v >= medium) return 'medium';
  return v >= small ? 'small' : 'negligible';
}
