export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation (n - 1). */
export function std(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export interface Scores {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Accuracy and macro-averaged precision, recall and F1 over the labels seen in either list. */
export function classificationScores(truth: readonly number[], predicted: readonly number[]): Scores {
  const labels = [...new Set([...truth, ...predicted])];
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) correct++;
  let p = 0;
  let r = 0;
  let f = 0;
  for (const label of labels) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < truth.length; i++) {
      const t = truth[i] === label;
      const y = predicted[i] === label;
      if (t && y) tp++;
      else if (y) fp++;
      else if (t) fn++;
    }
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    p += precision;
    r += recall;
    f += precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  }
  const k = labels.length || 1;
  return { accuracy: truth.length ? correct / truth.length : 0, precision: p / k, recall: r / k, f1: f / k };
}

/** ln Γ(x), Lanczos approximation. */
function logGamma(x: number): number {
  const c = [76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5];
  let y = x;
  const tmp = x + 5.5 - (x + 0.5) * Math.log(x + 5.5);
  let ser = 1.000000000190015;
  for (const ci of c) ser += ci / ++y;
  return -tmp + Math.log((2.5066282746310005 * ser) / x);
}

/** Continued fraction for the incomplete beta function (Numerical Recipes, betacf). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-30;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 200; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    c = 1 + aa / c;
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    c = Math.abs(c) < tiny ? tiny : c;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    c = 1 + aa / c;
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    c = Math.abs(c) < tiny ? tiny : c;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 3e-14) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Two-sided p-value of Student's t with df degrees of freedom. */
export function tTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** Paired t-test of a against b; t > 0 means a is larger. */
export function pairedTTest(a: readonly number[], b: readonly number[]): { t: number; p: number; df: number } {
  const n = Math.min(a.length, b.length);
  const diffs = Array.from({ length: n }, (_, i) => (a[i] ?? 0) - (b[i] ?? 0));
  const df = n - 1;
  const sd = std(diffs);
  const m = mean(diffs);
  if (sd === 0) return { t: m === 0 ? 0 : Math.sign(m) * Infinity, p: m === 0 ? 1 : 0, df };
  const t = m / (sd / Math.sqrt(n));
  return { t, p: tTwoSidedP(t, df), df };
}

/** Welch's t-test for two independent samples. */
export function welchTTest(a: readonly number[], b: readonly number[]): { t: number; p: number; df: number } {
  const va = std(a) ** 2 / a.length;
  const vb = std(b) ** 2 / b.length;
  const diff = mean(a) - mean(b);
  if (va + vb === 0) return { t: diff === 0 ? 0 : Math.sign(diff) * Infinity, p: diff === 0 ? 1 : 0, df: a.length + b.length - 2 };
  const t = diff / Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  return { t, p: tTwoSidedP(t, df), df };
}
