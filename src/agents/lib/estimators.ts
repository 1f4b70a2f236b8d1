import { DecisionTreeClassifier, DecisionTreeRegression, type DecisionTreeJSON, type DecisionTreeRegressionJSON } from 'ml-cart';
import KNN, { type KNNJSON } from 'ml-knn';
import LogisticRegression, { type LogisticRegressionJSON } from 'ml-logistic-regression';
import { Matrix, solve } from 'ml-matrix';
import { GaussianNB, type GaussianNBJSON } from 'ml-naivebayes';
import { RandomForestClassifier, RandomForestRegression } from 'ml-random-forest';
import { DEFAULT_EPOCHS, DEFAULT_K, DEFAULT_LEARNING_RATE, type Hyper, type ModelKind, type Task } from './modelKinds.js';

/** Per-feature standardisation, for the models that measure distances or take gradient steps. */
export interface Scale {
  mean: number[];
  std: number[];
}

/** What a model file stores for the fitted model: the library's own toJSON() plus our wrapping. */
export interface EstimatorJSON {
  kind: ModelKind;
  task: Task;
  scale?: Scale;
  /** Class indices present in training, in the order the library numbered them 0..n-1. */
  labels?: number[];
  state: unknown;
}

export interface Estimator {
  readonly kind: ModelKind;
  readonly task: Task;
  /** Class indices for classification, values for regression. */
  predict(X: number[][]): number[];
  toJSON(): EstimatorJSON;
}

interface Core {
  predict(X: number[][]): number[];
  state(): unknown;
}

interface Trainer {
  scaled: boolean;
  fit(X: number[][], y: number[], h: Hyper, seed: number, task: Task): Core;
  load(state: unknown, task: Task): Core;
}

const treeOptions = (h: Hyper): { maxDepth: number; minNumSamples: number } => ({ maxDepth: h.maxDepth, minNumSamples: h.minSamples });

/**
 * Features per tree. ml-random-forest draws them once per tree, not per split, so a tree needs a
 * larger share than the usual √p to see the strong ones: half the features up to 8, at least √p.
 * The library reads 0 < maxFeatures <= 1 as a share of the features, so 1 feature needs a share.
 */
function featuresPerTree(h: Hyper, width: number): number {
  const auto = Math.max(Math.ceil(Math.sqrt(width)), Math.min(Math.ceil(width / 2), 8));
  const m = Math.min(width, h.maxFeatures || auto);
  if (m >= width) return 1.0;
  return m === 1 ? 1.5 / width : m;
}

const withIntercept = (X: number[][]): number[][] => X.map((r) => [1, ...r]);

const forest: Trainer = {
  scaled: false,
  fit(X, y, h, seed, task) {
    const options = { nEstimators: h.trees, seed, maxFeatures: featuresPerTree(h, X[0]?.length ?? 1), replacement: false, useSampleBagging: true, noOOB: true, treeOptions: treeOptions(h) };
    const model = task === 'classification' ? new RandomForestClassifier(options) : new RandomForestRegression(options);
    model.train(X, y);
    return { predict: (Z) => model.predict(Z), state: () => model.toJSON() };
  },
  load(state, task) {
    const model = task === 'classification' ? RandomForestClassifier.load(state as ReturnType<RandomForestClassifier['toJSON']>) : RandomForestRegression.load(state as ReturnType<RandomForestRegression['toJSON']>);
    return { predict: (Z) => model.predict(Z), state: () => model.toJSON() };
  },
};

const tree: Trainer = {
  scaled: false,
  fit(X, y, h, _seed, task) {
    const model = task === 'classification' ? new DecisionTreeClassifier(treeOptions(h)) : new DecisionTreeRegression(treeOptions(h));
    model.train(X, y);
    return { predict: (Z) => model.predict(Z), state: () => model.toJSON() };
  },
  load(state, task) {
    const model = task === 'classification' ? DecisionTreeClassifier.load(state as DecisionTreeJSON) : DecisionTreeRegression.load(state as DecisionTreeRegressionJSON);
    return { predict: (Z) => model.predict(Z), state: () => model.toJSON() };
  },
};

/** ml-knn votes for classes; for regression its k-d tree finds the neighbours and we average their values. */
function knnCore(model: KNN, task: Task): Core {
  const predict = (Z: number[][]): number[] => {
    if (task === 'classification') return model.predict(Z);
    return Z.map((p) => {
      const near = model.kdTree.nearest(p, model.k);
      return near.reduce((sum, [point]) => sum + (point.at(-1) ?? 0), 0) / (near.length || 1);
    });
  };
  return { predict, state: () => model.toJSON() };
}

const knn: Trainer = {
  scaled: true,
  fit: (X, y, h, _seed, task) => knnCore(new KNN(X, y, { k: Math.min(h.k ?? DEFAULT_K, X.length) }), task),
  load: (state, task) => knnCore(KNN.load(state as KNNJSON), task),
};

function logisticCore(model: LogisticRegression): Core {
  return { predict: (Z) => model.predict(new Matrix(withIntercept(Z))), state: () => JSON.parse(JSON.stringify(model.toJSON())) as unknown };
}

const logistic: Trainer = {
  scaled: true,
  fit(X, y, h) {
    // The library sums gradients over rows, so the step is divided by n to keep it size-independent.
    const model = new LogisticRegression({ numSteps: h.epochs ?? DEFAULT_EPOCHS, learningRate: (h.learningRate ?? DEFAULT_LEARNING_RATE) / Math.max(1, X.length) });
    model.train(new Matrix(withIntercept(X)), Matrix.columnVector(y));
    return logisticCore(model);
  },
  load: (state) => logisticCore(LogisticRegression.load(state as LogisticRegressionJSON)),
};

/**
 * GaussianNB's own predict multiplies densities outside the log domain (64 pixels underflow to a
 * class of -1) and fails when the row count equals features + 1, so it is scored here in logs from
 * the library's fitted means and deviations, with sklearn-style variance smoothing.
 */
function bayesCore(params: GaussianNBJSON): Core {
  const predict = (Z: number[][]): number[] =>
    Z.map((x) => {
      let best = 0;
      let bestScore = -Infinity;
      params.calculateProbabilities.forEach(([prior, ...features], c) => {
        const means = params.means[c] ?? [];
        const score = features.reduce((s, [a, b], j) => s + Math.log(a) + ((x[j] ?? 0) - (means[j] ?? 0)) ** 2 / b, prior);
        if (score > bestScore) [best, bestScore] = [c, score];
      });
      return best;
    });
  return { predict, state: () => params };
}

const bayes: Trainer = {
  scaled: false,
  fit(X, y) {
    const model = new GaussianNB();
    model.train(X, y);
    const params = model.toJSON();
    const width = X[0]?.length ?? 0;
    const variances = Array.from({ length: width }, (_, j) => {
      const m = X.reduce((s, r) => s + (r[j] ?? 0), 0) / X.length;
      return X.reduce((s, r) => s + ((r[j] ?? 0) - m) ** 2, 0) / X.length;
    });
    const epsilon = 1e-9 * Math.max(1, ...variances);
    params.calculateProbabilities = params.calculateProbabilities.map(([prior, ...features]) => {
      const smoothed = features.map(([, b]): [number, number] => {
        const variance = (Number.isFinite(b) ? -b / 2 : 0) + epsilon;
        return [1 / Math.sqrt(2 * Math.PI * variance), -2 * variance];
      });
      return [prior, ...smoothed];
    });
    return bayesCore(params);
  },
  load: (state) => bayesCore(state as GaussianNBJSON),
};

/** Least squares through ml-matrix's SVD solve, which copes with collinear one-hot columns. */
function linearCore(weights: number[]): Core {
  const predict = (Z: number[][]): number[] => withIntercept(Z).map((r) => r.reduce((s, v, j) => s + v * (weights[j] ?? 0), 0));
  return { predict, state: () => ({ weights }) };
}

const linear: Trainer = {
  scaled: false,
  fit: (X, y) => linearCore(solve(new Matrix(withIntercept(X)), Matrix.columnVector(y), true).to1DArray()),
  load: (state) => linearCore((state as { weights: number[] }).weights),
};

const TRAINERS: Record<ModelKind, Trainer> = {
  'random-forest': forest,
  'decision-tree': tree,
  knn,
  'logistic-regression': logistic,
  'naive-bayes': bayes,
  'linear-regression': linear,
};

export function scaleOf(X: number[][]): Scale {
  const width = X[0]?.length ?? 0;
  const mean = Array.from({ length: width }, (_, j) => X.reduce((s, r) => s + (r[j] ?? 0), 0) / (X.length || 1));
  const std = mean.map((m, j) => Math.sqrt(X.reduce((s, r) => s + ((r[j] ?? 0) - m) ** 2, 0) / (X.length || 1)) || 1);
  return { mean, std };
}

const applyScale = (X: number[][], s: Scale | undefined): number[][] => (s ? X.map((r) => r.map((v, j) => (v - (s.mean[j] ?? 0)) / (s.std[j] ?? 1))) : X);

function wrap(kind: ModelKind, task: Task, core: Core, scale: Scale | undefined, labels: number[] | undefined): Estimator {
  return {
    kind,
    task,
    predict: (X) => {
      const raw = core.predict(applyScale(X, scale));
      return labels ? raw.map((p) => labels[p] ?? labels[0] ?? 0) : raw;
    },
    toJSON: () => ({ kind, task, ...(scale ? { scale } : {}), ...(labels ? { labels } : {}), state: core.state() }),
  };
}

/** Fits one model; classes are renumbered 0..n-1 over those present, as the libraries expect. */
export function trainEstimator(kind: ModelKind, task: Task, X: number[][], y: number[], h: Hyper, seed: number): Estimator {
  const trainer = TRAINERS[kind];
  const scale = trainer.scaled ? scaleOf(X) : undefined;
  const labels = task === 'classification' ? [...new Set(y)].sort((a, b) => a - b) : undefined;
  const dense = labels ? y.map((v) => labels.indexOf(v)) : y;
  return wrap(kind, task, trainer.fit(applyScale(X, scale), dense, h, seed, task), scale, labels);
}

export function loadEstimator(json: EstimatorJSON): Estimator {
  return wrap(json.kind, json.task, TRAINERS[json.kind].load(json.state, json.task), json.scale, json.labels);
}
