import { trainEstimator, type Estimator } from './estimators.js';
import { BadInputError } from './errors.js';
import { foldScores, type FoldScores } from './metrics.js';
import { checkTask, type Hyper, type ModelKind, type Task } from './modelKinds.js';
import { kFolds } from './random.js';
import type { Supervised } from './encoding.js';

export { supervised, type InputColumn, type Supervised, type SupervisedOptions } from './encoding.js';
export { loadEstimator, type Estimator, type EstimatorJSON } from './estimators.js';
export { mainMetric, metricsOf, type FoldScores, type Metric } from './metrics.js';
export { AVAILABLE_MODELS, DEFAULT_HYPER, availableModelsText, checkTask, hyperFrom, modelKind, supportsTask, type Hyper, type ModelKind, type Task } from './modelKinds.js';

export function columnMeans(X: readonly (number | null)[][], rows: readonly number[]): number[] {
  const width = X[0]?.length ?? 0;
  return Array.from({ length: width }, (_, j) => {
    const present = rows.map((i) => X[i]?.[j]).filter((v): v is number => typeof v === 'number');
    return present.length ? present.reduce((a, b) => a + b, 0) / present.length : 0;
  });
}

export function impute(X: readonly (number | null)[][], means: readonly number[]): number[][] {
  return X.map((r) => r.map((v, j) => v ?? means[j] ?? 0));
}

/** Fits one model with its library (see estimators.ts); `y` holds class indices or values. */
export function fit(X: number[][], y: number[], kind: ModelKind, h: Hyper, seed: number, task: Task = 'classification'): Estimator {
  return trainEstimator(kind, task, X, y, h, seed);
}

export function predict(model: Estimator, X: number[][]): number[] {
  return model.predict(X);
}

/**
 * Seeded k-fold cross-validation, stratified for classification; imputation means come from
 * each training part. Scores hold the task's metrics (the other task's are NaN) and `score`.
 */
export function crossValidate(data: Supervised, kind: ModelKind, h: Hyper, folds: number, seed: number, onFold?: (fold: number, scores: FoldScores) => void): FoldScores[] {
  checkTask(kind, data.task, data.target);
  if (folds > data.X.length) throw new BadInputError(`folds is ${folds} but the dataset has only ${data.X.length} rows`);
  const testFolds = kFolds(data.X.length, folds, seed, data.task === 'classification' ? data.labels : undefined);
  return testFolds.map((test, f) => {
    const inTest = new Set(test);
    const train = data.X.map((_, i) => i).filter((i) => !inTest.has(i));
    const Xall = impute(data.X, columnMeans(data.X, train));
    const model = fit(
      train.map((i) => Xall[i] ?? []),
      train.map((i) => data.y[i] ?? 0),
      kind,
      h,
      seed + f,
      data.task,
    );
    const predicted = model.predict(test.map((i) => Xall[i] ?? []));
    const scores = foldScores(data.task, test.map((i) => data.y[i] ?? 0), predicted);
    onFold?.(f, scores);
    return scores;
  });
}
