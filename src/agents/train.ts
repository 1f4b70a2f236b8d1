import type { Agent } from './agent.js';
import { int, num, obj, oneOf, str } from './lib/args.js';
import { loadDataset } from './lib/dataset.js';
import { checkTask, columnMeans, crossValidate, fit, hyperFrom, impute, mainMetric, metricsOf, modelKind, supervised, type Hyper, type ModelKind } from './lib/learn.js';
import { meanScores, type FoldScores, type Metric } from './lib/metrics.js';
import { DEFAULT_EPOCHS, DEFAULT_K, DEFAULT_LEARNING_RATE } from './lib/modelKinds.js';
import { saveModel, type CvScores } from './lib/modelFile.js';
import type { Args, StepContext } from './lib/protocol.js';
import { round } from './lib/stats.js';
import { artifactFile } from './lib/artifacts.js';

const KNOWN_PARAMS = ['max_depth', 'maxDepth', 'depth', 'min_samples', 'min_samples_leaf', 'minSamples', 'trees', 'n_estimators', 'nEstimators', 'max_features', 'maxFeatures', 'k', 'n_neighbors', 'neighbors', 'nNeighbors', 'epochs', 'num_steps', 'steps', 'max_iter', 'iterations', 'learning_rate', 'learningRate', 'lr'];

/** `params` over the defaults; epochs and learning_rate also come as top-level arguments. */
function hyperOf(args: Args, kind: ModelKind, ctx: StepContext): Hyper {
  const params = obj(args, 'params');
  for (const key of Object.keys(params ?? {})) if (!KNOWN_PARAMS.includes(key)) ctx.warn(`params.${key} is not a parameter train knows and is ignored`);
  const hyper = hyperFrom(params);
  const epochs = int(args, 'epochs', undefined, { min: 1 });
  const rate = num(args, 'learning_rate', undefined, { min: Number.MIN_VALUE });
  if (kind === 'logistic-regression') {
    if (epochs !== undefined) hyper.epochs = epochs;
    if (rate !== undefined) hyper.learningRate = rate;
  } else {
    if (epochs !== undefined) ctx.warn(`epochs does not apply to ${kind} and is ignored`);
    if (rate !== undefined) ctx.warn(`learning_rate does not apply to ${kind} and is ignored`);
  }
  if (args.batch_size !== undefined && args.batch_size !== null) ctx.warn(`batch_size does not apply to ${kind} (no model here trains in batches) and is ignored`);
  return hyper;
}

function describe(kind: ModelKind, h: Hyper): string {
  if (kind === 'random-forest') return `${h.trees} trees, max depth ${h.maxDepth}`;
  if (kind === 'decision-tree') return `max depth ${h.maxDepth}`;
  if (kind === 'knn') return `k ${h.k ?? DEFAULT_K}`;
  if (kind === 'logistic-regression') return `${h.epochs ?? DEFAULT_EPOCHS} epochs, learning rate ${h.learningRate ?? DEFAULT_LEARNING_RATE}`;
  return kind === 'naive-bayes' ? 'gaussian' : 'least squares';
}

/** Per-fold arrays of every metric; the other task's are empty. */
function cvOf(folds: readonly FoldScores[], metrics: readonly Metric[], metric: Metric): CvScores {
  const per = (m: Metric): number[] => (metrics.includes(m) ? folds.map((f) => round(f[m])) : []);
  return { folds: folds.length, metric, scores: per(metric), accuracy: per('accuracy'), f1: per('f1'), precision: per('precision'), recall: per('recall'), rmse: per('rmse'), r2: per('r2'), mae: per('mae') };
}

/** k-fold cross-validation, then a final model on every row, saved as JSON. */
export const train: Agent = {
  name: 'train',
  summary: 'cross-validate and train a classifier or regressor (forest, tree, logistic, knn, naive bayes, linear)',
  run(args, ctx) {
    const kind = modelKind(str(args, 'model', 'random-forest'));
    const folds = int(args, 'folds', 5, { min: 2 });
    const seed = int(args, 'seed', 42);
    const task = oneOf(args, 'task', ['auto', 'classification', 'regression'] as const, 'auto');
    const hyper = hyperOf(args, kind, ctx);
    const loaded = loadDataset(args, ctx);
    const data = supervised(loaded.table, str(args, 'target'), { task });
    checkTask(kind, data.task, data.target);
    if (data.dropped > 0) ctx.warn(`${data.dropped} rows without a ${data.target} value were left out`);
    for (const s of data.skipped) ctx.warn(`column ${s.column} is not used as a feature: ${s.reason}`);
    const what = data.task === 'classification' ? `${data.classes.length} classes` : 'regression';
    console.log(`${kind} (${describe(kind, hyper)}) on ${data.X.length} rows, ${data.features.length} features, ${what}; target ${data.target}`);

    const metric = mainMetric(data.task);
    const scores = crossValidate(data, kind, hyper, folds, seed, (f, s) => {
      ctx.progress(f + 1, folds + 1, `fold ${f + 1}/${folds} ${metric} ${s.score.toFixed(3)}`);
    });
    const means = meanScores(data.task, scores);
    const metrics = metricsOf(data.task);

    const featureMeans = columnMeans(
      data.X,
      data.X.map((_, i) => i),
    );
    const model = fit(impute(data.X, featureMeans), data.y, kind, hyper, seed, data.task);
    ctx.progress(folds + 1, folds + 1, 'final model on all rows');
    const path = artifactFile(ctx, 'model.json');
    const cv = cvOf(scores, metrics, metric);
    saveModel(
      path,
      {
        model: kind,
        task: data.task,
        target: data.target,
        inputs: data.inputs,
        features: data.features,
        classes: data.classes,
        means: featureMeans,
        params: { ...hyper, seed },
        cv,
        metrics: Object.fromEntries(metrics.map((m) => [m, means[m]])),
        rows: data.X.length,
        dataset: loaded.sample ?? loaded.path,
        trainedAt: new Date().toISOString(),
      },
      model,
    );
    console.log(`cross-validated ${metrics.map((m) => `${m} ${means[m]}`).join(', ')}; model saved to ${path}`);
    return {
      model: path,
      task: data.task,
      metric,
      score: means[metric],
      ...means,
      folds,
      rows: data.X.length,
      classes: data.task === 'classification' ? data.classes.length : null,
      features: data.features.length,
      fold_accuracy: data.task === 'classification' ? cv.accuracy : null,
      fold_scores: cv.scores,
    };
  },
};
