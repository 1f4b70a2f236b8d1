import { mean as ssMean, sampleStandardDeviation } from 'simple-statistics';

/** The mean, NaN for no values (simple-statistics throws instead). */
export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : ssMean(xs);
}

/** Sample standard deviation (n - 1); 0 below two values, where simple-statistics throws. */
export function std(xs: readonly number[]): number {
  return xs.length < 2 ? 0 : sampleStandardDeviation(xs);
}

export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Significant digits rather than decimals: a p-value of 3e-9 must not print as 0. */
export function precise(x: number, digits = 4): number {
  return Number.isFinite(x) ? Number(x.toPrecision(digits)) : x;
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
