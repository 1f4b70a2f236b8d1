import { binomialDistribution, errorFunction, gammaln } from 'simple-statistics';

/**
 * Tail probabilities the hypothesis tests need and simple-statistics lacks: Student's t,
 * chi-squared with one degree of freedom, the Kolmogorov distribution and the exact null
 * distribution of the Wilcoxon signed-rank statistic. (Its cumulativeStdNormalProbability is a
 * 4-digit table, too coarse for p-values; errorFunction is accurate to about 1e-7.)
 */

/** P(|Z| >= |z|) for a standard normal Z. */
export function normalTwoSidedP(z: number): number {
  if (!Number.isFinite(z)) return Number.isNaN(z) ? NaN : 0;
  return Math.max(0, 1 - errorFunction(Math.abs(z) / Math.SQRT2));
}

/** Continued fraction for the incomplete beta function (Numerical Recipes, betacf). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-30;
  const clamp = (v: number): number => (Math.abs(v) < tiny ? tiny : v);
  let c = 1;
  let d = 1 / clamp(1 - ((a + b) * x) / (a + 1));
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 / clamp(1 + aa * d);
    c = clamp(1 + aa / c);
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 / clamp(1 + aa * d);
    c = clamp(1 + aa / c);
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 3e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(gammaln(a + b) - gammaln(a) - gammaln(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(|T| >= |t|) for Student's t with df degrees of freedom (df may be fractional, as in Welch's test). */
export function tTwoSidedP(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (!Number.isFinite(t)) return 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** P(X >= x) for chi-squared with one degree of freedom: the two tails of a normal at sqrt(x). */
export function chiSquare1P(x: number): number {
  return x <= 0 ? 1 : normalTwoSidedP(Math.sqrt(x));
}

/** Two-sided exact binomial p-value of k successes in n fair trials: 2 P(X <= min(k, n - k)), at most 1. */
export function binomialTwoSidedP(k: number, n: number): number {
  if (n === 0) return 1;
  const cells = binomialDistribution(n, 0.5) ?? [];
  const low = Math.min(k, n - k);
  let tail = 0;
  for (let i = 0; i <= low; i++) tail += cells[i] ?? 0;
  return Math.min(1, 2 * tail);
}

/**
 * The Kolmogorov distribution's upper tail Q(lambda) = P(K > lambda), by the alternating series
 * for large lambda and the Jacobi theta form for small lambda, where the series converges slowly.
 */
export function kolmogorovQ(lambda: number): number {
  if (!(lambda > 0)) return 1;
  if (lambda < 1.18) {
    const k = -(Math.PI ** 2) / (8 * lambda * lambda);
    let sum = 0;
    for (let j = 1; j <= 50; j += 2) sum += Math.exp(k * j * j);
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * sum));
  }
  let sum = 0;
  for (let j = 1; j <= 100; j++) {
    const term = Math.exp(-2 * j * j * lambda * lambda);
    sum += j % 2 === 1 ? term : -term;
    if (term < 1e-16) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}

/**
 * Asymptotic p-value of a two-sample KS statistic d for samples of n and m, with Stephens'
 * small-sample correction of the effective size (Numerical Recipes, kstwo): close to scipy's
 * `ks_2samp(method="asymp")` even for a few dozen rows.
 */
export function ksTwoSampleP(d: number, n: number, m: number): number {
  if (n === 0 || m === 0) return NaN;
  const en = Math.sqrt((n * m) / (n + m));
  return kolmogorovQ((en + 0.12 + 0.11 / en) * d);
}

/**
 * The exact null distribution of the signed-rank statistic W+ given the ranks (ties as average
 * ranks, so halves): counts[s] is how many of the 2^n sign patterns give 2 W+ = s.
 */
export function signedRankCounts(ranks: readonly number[]): number[] {
  const doubled = ranks.map((r) => Math.round(2 * r));
  const max = doubled.reduce((a, b) => a + b, 0);
  const counts = new Array<number>(max + 1).fill(0);
  counts[0] = 1;
  for (const w of doubled) {
    for (let s = max; s >= w; s--) counts[s] = (counts[s] ?? 0) + (counts[s - w] ?? 0);
  }
  return counts;
}

/**
 * Exact two-sided p-value of a signed-rank statistic t = min(W+, W-): 2 P(W+ <= t) over every sign
 * pattern of the ranks (the distribution is symmetric), so ties are handled exactly too.
 */
export function signedRankExactP(t: number, ranks: readonly number[]): number {
  const counts = signedRankCounts(ranks);
  let below = 0;
  for (let s = 0; s <= Math.round(2 * t); s++) below += counts[s] ?? 0;
  return Math.min(1, (2 * below) / 2 ** ranks.length);
}
