import { join } from 'node:path';
import type { Agent } from './agent.js';
import { absolute, list, requiredStr } from './lib/args.js';
import { loadDataset } from './lib/dataset.js';
import { BadInputError } from './lib/errors.js';
import { impute, predict } from './lib/learn.js';
import { loadModel } from './lib/modelFile.js';
import { classificationScores, round } from './lib/stats.js';
import { writeCsv } from './lib/table.js';

const METRICS = ['accuracy', 'f1', 'precision', 'recall'];

/** Scores a saved model on a labelled dataset (macro averages) and writes its predictions. */
export const evaluate: Agent = {
  name: 'evaluate',
  summary: 'score a trained model on a labelled dataset',
  run(args, ctx) {
    const metrics = list(args, 'metrics', ['accuracy', 'f1']).map((m) => m.toLowerCase());
    const unknown = metrics.filter((m) => !METRICS.includes(m));
    if (unknown.length) throw new BadInputError(`unknown metric ${unknown.join(', ')}; available: ${METRICS.join(', ')}`);
    const modelPath = absolute(requiredStr(args, 'model', 'the model file a train step wrote'), ctx.planDir);
    const { file, trees } = loadModel(modelPath);
    const { table } = loadDataset(args, ctx);
    const index = (name: string): number => {
      const i = table.columns.indexOf(name);
      if (i < 0) throw new BadInputError(`the dataset has no column ${name}, which the model needs; columns: ${table.columns.join(', ')}`);
      return i;
    };
    const t = index(file.target);
    const featureIdx = file.features.map(index);
    const rows = table.rows.filter((r) => r[t] !== null);
    const X = impute(rows.map((r) => featureIdx.map((i) => (typeof r[i] === 'number' ? r[i] : null))), file.means);
    const truthLabels = rows.map((r) => String(r[t]));
    const unseen = [...new Set(truthLabels.filter((l) => !file.classes.includes(l)))];
    if (unseen.length) ctx.warn(`labels the model never saw count as errors: ${unseen.join(', ')}`);
    const predicted = predict(trees, X);
    const scores = classificationScores(truthLabels.map((l) => file.classes.indexOf(l)), predicted);
    const predictions = join(ctx.artifactsDir(), 'predictions.csv');
    writeCsv(predictions, { columns: ['actual', 'predicted'], rows: rows.map((_, i) => [truthLabels[i] ?? null, file.classes[predicted[i] ?? 0] ?? null]) });
    console.log(METRICS.filter((m) => metrics.includes(m)).map((m) => `${m} ${scores[m as keyof typeof scores].toFixed(4)}`).join(', '));
    return {
      accuracy: round(scores.accuracy),
      f1: round(scores.f1),
      precision: round(scores.precision),
      recall: round(scores.recall),
      rows: rows.length,
      predictions,
      model: modelPath,
    };
  },
};
