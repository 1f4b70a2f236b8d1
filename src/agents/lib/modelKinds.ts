import { BadInputError } from './errors.js';

export type Task = 'classification' | 'regression';

/** Every model train can fit; the first two lead because messages and tests list them first. */
export const AVAILABLE_MODELS = ['decision-tree', 'random-forest', 'logistic-regression', 'knn', 'naive-bayes', 'linear-regression'] as const;
export type ModelKind = (typeof AVAILABLE_MODELS)[number];

const TASKS: Record<ModelKind, readonly Task[]> = {
  'decision-tree': ['classification', 'regression'],
  'random-forest': ['classification', 'regression'],
  'logistic-regression': ['classification'],
  knn: ['classification', 'regression'],
  'naive-bayes': ['classification'],
  'linear-regression': ['regression'],
};

const ALIASES: Record<string, ModelKind> = {
  rf: 'random-forest',
  forest: 'random-forest',
  randomforest: 'random-forest',
  'random-forest-classifier': 'random-forest',
  'random-forest-regressor': 'random-forest',
  dt: 'decision-tree',
  tree: 'decision-tree',
  cart: 'decision-tree',
  decisiontree: 'decision-tree',
  logreg: 'logistic-regression',
  logistic: 'logistic-regression',
  logit: 'logistic-regression',
  lr: 'logistic-regression',
  logisticregression: 'logistic-regression',
  'k-nearest-neighbors': 'knn',
  'k-nearest-neighbours': 'knn',
  'nearest-neighbors': 'knn',
  'nearest-neighbours': 'knn',
  kneighbors: 'knn',
  'k-nn': 'knn',
  nb: 'naive-bayes',
  naivebayes: 'naive-bayes',
  'gaussian-nb': 'naive-bayes',
  gaussiannb: 'naive-bayes',
  gnb: 'naive-bayes',
  'gaussian-naive-bayes': 'naive-bayes',
  linear: 'linear-regression',
  linreg: 'linear-regression',
  ols: 'linear-regression',
  'least-squares': 'linear-regression',
  linearregression: 'linear-regression',
};

/** One line that names what can be trained and how to bring anything else. */
export function availableModelsText(): string {
  return (
    `available: ${AVAILABLE_MODELS.join(', ')} (linear-regression for numeric targets, logistic-regression and naive-bayes for classes); ` +
    'for any other model (gradient boosting, neural networks...) run your own script in a plan step (run: [python, train.py]) or with the shell command'
  );
}

export function modelKind(name: string): ModelKind {
  const key = name.trim().toLowerCase().replace(/[\s_]+/g, '-');
  const kind = ALIASES[key] ?? ALIASES[key.replace(/-/g, '')] ?? key;
  if ((AVAILABLE_MODELS as readonly string[]).includes(kind)) return kind as ModelKind;
  throw new BadInputError(`model "${name}" cannot be trained here; ${availableModelsText()}`);
}

export function supportsTask(kind: ModelKind, task: Task): boolean {
  return TASKS[kind].includes(task);
}

/** A classifier asked to fit a numeric target (or the reverse) is a wrong pick, not a crash. */
export function checkTask(kind: ModelKind, task: Task, target: string): void {
  if (supportsTask(kind, task)) return;
  const fits = AVAILABLE_MODELS.filter((k) => supportsTask(k, task));
  const why = task === 'regression' ? `target ${target} is a number to predict (a regression)` : `target ${target} holds classes (a classification)`;
  const hint = task === 'regression' ? ', or set task: classification to treat its values as classes' : '';
  throw new BadInputError(`${kind} cannot fit this: ${why}; use one of ${fits.join(', ')}${hint}`);
}

export interface Hyper {
  maxDepth: number;
  minSamples: number;
  trees: number;
  /** Features each tree of a forest sees; 0 = half of them up to 8, at least ceil(sqrt(features)). */
  maxFeatures: number;
  /** Neighbours for knn (default 5). */
  k?: number;
  /** Gradient steps for logistic regression (default 500). */
  epochs?: number;
  /** Step size per averaged gradient for logistic regression (default 1). */
  learningRate?: number;
}

export const DEFAULT_HYPER: Hyper = { maxDepth: 10, minSamples: 3, trees: 25, maxFeatures: 0 };
export const DEFAULT_K = 5;
export const DEFAULT_EPOCHS = 500;
export const DEFAULT_LEARNING_RATE = 1;

/** Reads `params` (snake_case as users write it, or camelCase) over the defaults. */
export function hyperFrom(params: Record<string, unknown> | undefined, base: Hyper = DEFAULT_HYPER): Hyper {
  const h = { ...base };
  const pick = (keys: string[], min: number, integer = true): number | undefined => {
    for (const k of keys) {
      const v = params?.[k];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min) {
        throw new BadInputError(`params.${k} must be ${integer ? 'a whole number' : 'a number'} of at least ${min}`);
      }
      return v;
    }
    return undefined;
  };
  h.maxDepth = pick(['max_depth', 'maxDepth', 'depth'], 1) ?? h.maxDepth;
  h.minSamples = pick(['min_samples', 'min_samples_leaf', 'minSamples'], 1) ?? h.minSamples;
  h.trees = pick(['trees', 'n_estimators', 'nEstimators'], 1) ?? h.trees;
  h.maxFeatures = pick(['max_features', 'maxFeatures'], 1) ?? h.maxFeatures;
  const k = pick(['k', 'n_neighbors', 'neighbors', 'nNeighbors'], 1);
  if (k !== undefined) h.k = k;
  const epochs = pick(['epochs', 'num_steps', 'steps', 'max_iter', 'iterations'], 1);
  if (epochs !== undefined) h.epochs = epochs;
  const rate = pick(['learning_rate', 'learningRate', 'lr'], Number.MIN_VALUE, false);
  if (rate !== undefined) h.learningRate = rate;
  return h;
}
