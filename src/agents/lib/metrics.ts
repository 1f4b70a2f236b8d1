import type { Task } from './modelKinds.js';
import { classificationScores, round, type Scores } from './stats.js';

export interface RegressionScores {
  rmse: number;
  r2: number;
  mae: number;
}

export const CLASSIFICATION_METRICS = ['accuracy', 'f1', 'precision', 'recall'] as const;
export const REGRESSION_METRICS = ['rmse', 'r2', 'mae'] as const;
export type Metric = (typeof CLASSIFICATION_METRICS)[number] | (typeof REGRESSION_METRICS)[number];

/**
 * One fold's scores for either task: the other task's metrics are NaN, so callers that index by
 * a classification metric name keep compiling. `score` is the task's main metric.
 */
export interface FoldScores extends Scores, RegressionScores {
  score: number;
}

/** The metric compare and tune rank by; both are "higher is better". */
export function mainMetric(task: Task): 'accuracy' | 'r2' {
  return task === 'classification' ? 'accuracy' : 'r2';
}

export function metricsOf(task: Task): readonly Metric[] {
  return task === 'classification' ? CLASSIFICATION_METRICS : REGRESSION_METRICS;
}

export function regressionScores(truth: readonly number[], predicted: readonly number[]): RegressionScores {
  const n = truth.length || 1;
  const m = truth.reduce((a, b) => a + b, 0) / n;
  let se = 0;
  let ae = 0;
  let total = 0;
  truth.forEach((t, i) => {
    const e = (predicted[i] ?? 0) - t;
    se += e * e;
    ae += Math.abs(e);
    total += (t - m) ** 2;
  });
  // A constant target: a perfect fit explains it all, anything else explains nothing.
  const r2 = total === 0 ? (se === 0 ? 1 : 0) : 1 - se / total;
  return { rmse: Math.sqrt(se / n), r2, mae: ae / n };
}

const NO_REGRESSION: RegressionScores = { rmse: NaN, r2: NaN, mae: NaN };
const NO_CLASSIFICATION: Scores = { accuracy: NaN, f1: NaN, precision: NaN, recall: NaN };

export function foldScores(task: Task, truth: readonly number[], predicted: readonly number[]): FoldScores {
  if (task === 'classification') {
    const s = classificationScores(truth, predicted);
    return { ...s, ...NO_REGRESSION, score: s.accuracy };
  }
  const s = regressionScores(truth, predicted);
  return { ...NO_CLASSIFICATION, ...s, score: s.r2 };
}

/** CV means of the task's metrics, rounded; the other task's metrics are null. */
export function meanScores(task: Task, folds: readonly FoldScores[]): Record<Metric, number | null> {
  const avg = (m: Metric): number => round(folds.reduce((s, f) => s + f[m], 0) / (folds.length || 1));
  const out = {} as Record<Metric, number | null>;
  for (const m of [...CLASSIFICATION_METRICS, ...REGRESSION_METRICS]) out[m] = metricsOf(task).includes(m) ? avg(m) : null;
  return out;
}

export interface ClassReport {
  class: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/**
 * Confusion matrix over `names` (rows actual, columns predicted) and per-class scores.
 * Index -1 in truth (a label the model never saw) is counted in a trailing "unseen" row.
 */
export function confusion(names: readonly string[], truth: readonly number[], predicted: readonly number[]): { labels: string[]; matrix: number[][]; perClass: ClassReport[] } {
  const unseen = truth.some((t) => t < 0);
  const labels = unseen ? [...names, '(unseen)'] : [...names];
  const row = (t: number): number => (t < 0 ? names.length : t);
  const matrix = labels.map(() => names.map(() => 0));
  truth.forEach((t, i) => {
    const r = matrix[row(t)];
    const p = predicted[i] ?? 0;
    if (r) r[p] = (r[p] ?? 0) + 1;
  });
  const perClass = names.map((name, c) => {
    const tp = matrix[c]?.[c] ?? 0;
    const support = (matrix[c] ?? []).reduce((a, b) => a + b, 0);
    const predictedAs = matrix.reduce((s, r) => s + (r[c] ?? 0), 0);
    const precision = predictedAs ? tp / predictedAs : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { class: name, precision: round(precision), recall: round(recall), f1: round(f1), support };
  });
  return { labels, matrix, perClass };
}

/** The confusion matrix as aligned text, for the step log. */
export function confusionText(labels: readonly string[], names: readonly string[], matrix: readonly number[][]): string {
  const corner = 'actual \\ predicted';
  const first = Math.max(corner.length, ...labels.map((l) => l.length));
  const width = Math.max(...names.map((l) => l.length), ...matrix.flat().map((v) => String(v).length));
  const line = (head: string, cells: readonly string[]): string => `${head.padEnd(first)}  ${cells.map((c) => c.padStart(width)).join('  ')}`;
  return [line(corner, names), ...labels.map((l, i) => line(l, (matrix[i] ?? []).map(String)))].join('\n');
}
