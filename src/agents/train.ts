import { join } from 'node:path';
import type { Agent } from './agent.js';
import { int, obj, str } from './lib/args.js';
import { loadDataset } from './lib/dataset.js';
import { columnMeans, crossValidate, fit, hyperFrom, impute, modelKind, supervised } from './lib/learn.js';
import { saveModel } from './lib/modelFile.js';
import { mean, round } from './lib/stats.js';

/** k-fold cross-validation, then a final model on every row, saved as JSON. */
export const train: Agent = {
  name: 'train',
  summary: 'cross-validate and train a decision tree or random forest',
  run(args, ctx) {
    const kind = modelKind(str(args, 'model', 'random-forest'));
    const folds = int(args, 'folds', 5, { min: 2 });
    const seed = int(args, 'seed', 42);
    const hyper = hyperFrom(obj(args, 'params'));
    for (const name of ['epochs', 'learning_rate', 'batch_size']) {
      if (args[name] !== undefined && args[name] !== null) ctx.warn(`${name} does not apply to ${kind} and is ignored`);
    }
    const loaded = loadDataset(args, ctx);
    const table = loaded.table;
    const dataset = loaded.sample ?? loaded.path;
    const data = supervised(table, str(args, 'target'));
    if (data.dropped > 0) ctx.warn(`${data.dropped} rows without a ${data.target} value were left out`);
    const trees = kind === 'random-forest' ? `${hyper.trees} trees, ` : '';
    console.log(`${kind} (${trees}max depth ${hyper.maxDepth}) on ${data.X.length} rows, ${data.features.length} features, ${data.classes.length} classes; target ${data.target}`);

    const scores = crossValidate(data, kind, hyper, folds, seed, (f, s) => {
      ctx.progress(f + 1, folds + 1, `fold ${f + 1}/${folds} accuracy ${s.accuracy.toFixed(3)}`);
    });
    const accuracy = round(mean(scores.map((s) => s.accuracy)));
    const f1 = round(mean(scores.map((s) => s.f1)));

    const everyRow = data.X.map((_, i) => i);
    const means = columnMeans(data.X, everyRow);
    const y = data.labels.map((l) => data.classes.indexOf(l));
    const fitted = fit(impute(data.X, means), y, kind, hyper, seed);
    ctx.progress(folds + 1, folds + 1, 'final model on all rows');
    const path = join(ctx.artifactsDir(), 'model.json');
    saveModel(
      path,
      {
        model: kind,
        target: data.target,
        features: data.features,
        classes: data.classes,
        means,
        params: { ...hyper, seed },
        cv: { folds, accuracy: scores.map((s) => round(s.accuracy)), f1: scores.map((s) => round(s.f1)) },
        accuracy,
        f1,
        rows: data.X.length,
        dataset,
        trainedAt: new Date().toISOString(),
      },
      fitted,
    );
    console.log(`cross-validated accuracy ${accuracy}, macro F1 ${f1}; model saved to ${path}`);
    return { model: path, accuracy, f1, folds, rows: data.X.length, classes: data.classes.length, features: data.features.length, fold_accuracy: scores.map((s) => round(s.accuracy)) };
  },
};
