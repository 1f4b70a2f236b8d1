import { writeFileSync } from 'node:fs';
import type { Agent } from './agent.js';
import { absolute, list, requiredStr } from './lib/args.js';
import { loadDataset } from './lib/dataset.js';
import { missingInputs } from './lib/encoding.js';
import { BadInputError } from './lib/errors.js';
import { mainMetric, metricsOf } from './lib/learn.js';
import { CLASSIFICATION_METRICS, REGRESSION_METRICS, confusion, confusionText, regressionScores, type Metric } from './lib/metrics.js';
import { loadModel, predictTable } from './lib/modelFile.js';
import type { StepContext } from './lib/protocol.js';
import { classificationScores, round } from './lib/stats.js';
import { writeCsv, type Cell } from './lib/table.js';
import { artifactFile } from './lib/artifacts.js';

const ALL_METRICS: readonly Metric[] = [...CLASSIFICATION_METRICS, ...REGRESSION_METRICS];

function metricsToPrint(asked: string[] | undefined, task: 'classification' | 'regression', ctx: StepContext): readonly Metric[] {
  const own = metricsOf(task);
  if (!asked) return task === 'classification' ? ['accuracy', 'f1'] : own;
  const unknown = asked.filter((m) => !(ALL_METRICS as readonly string[]).includes(m));
  if (unknown.length) throw new BadInputError(`unknown metric ${unknown.join(', ')}; available: ${own.join(', ')} for this ${task} model`);
  const other = asked.filter((m) => !(own as readonly string[]).includes(m));
  if (other.length) ctx.warn(`${other.join(', ')} ${other.length > 1 ? 'do' : 'does'} not apply to a ${task} model; printing ${own.join(', ')}`);
  const mine = own.filter((m) => asked.includes(m));
  return mine.length ? mine : own;
}

/** Scores a saved model on a labelled dataset, encoded and imputed as in training, and writes its predictions. */
export const evaluate: Agent = {
  name: 'evaluate',
  summary: 'score a trained model on a labelled dataset',
  run(args, ctx) {
    const modelPath = absolute(requiredStr(args, 'model', 'the model file a train step wrote'), ctx.planDir);
    const loaded = loadModel(modelPath);
    const { file } = loaded;
    const asked = args.metrics === undefined || args.metrics === null ? undefined : list(args, 'metrics', []).map((m) => m.toLowerCase());
    const shown = metricsToPrint(asked, file.task, ctx);
    const { table } = loadDataset(args, ctx);
    const missing = [...missingInputs(table, file.inputs), ...(table.columns.includes(file.target) ? [] : [file.target])];
    if (missing.length) {
      throw new BadInputError(`the dataset lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which the model needs; its columns: ${table.columns.join(', ')}`);
    }
    const t = table.columns.indexOf(file.target);
    const regression = file.task === 'regression';
    const kept = table.rows.map((r, i) => ({ r, i })).filter(({ r }) => (regression ? typeof r[t] === 'number' : r[t] !== null));
    if (kept.length === 0) throw new BadInputError(`the dataset has no rows with a ${regression ? 'numeric ' : ''}${file.target} value to score against`);
    if (kept.length < table.rows.length) ctx.warn(`${table.rows.length - kept.length} rows without a ${regression ? 'numeric ' : ''}${file.target} value were left out`);
    const { predicted, unseen } = predictTable(loaded, table, kept.map((k) => k.r));
    for (const [column, levels] of unseen) ctx.warn(`column ${column} has values training never saw (${[...levels].slice(0, 5).join(', ')}); they count as no category`);
    const predictionsPath = artifactFile(ctx, 'predictions.csv');
    const reportPath = artifactFile(ctx, 'evaluation.json');
    const scores: Partial<Record<Metric, number>> = {};
    let report: Record<string, unknown>;

    if (regression) {
      const truth = kept.map((k) => k.r[t] as number);
      Object.assign(scores, regressionScores(truth, predicted));
      writeCsv(predictionsPath, { columns: ['row', 'actual', 'predicted', 'error'], rows: kept.map((k, n) => [k.i, truth[n] ?? null, round(predicted[n] ?? 0), round((predicted[n] ?? 0) - (truth[n] ?? 0))]) });
      report = {};
    } else {
      const truthLabels = kept.map((k) => String(k.r[t]));
      const newLabels = [...new Set(truthLabels.filter((l) => !file.classes.includes(l)))];
      if (newLabels.length) ctx.warn(`labels the model never saw count as errors: ${newLabels.join(', ')}`);
      const truth = truthLabels.map((l) => file.classes.indexOf(l));
      Object.assign(scores, classificationScores(truth, predicted));
      const rows: Cell[][] = kept.map((k, n) => [k.i, truthLabels[n] ?? null, file.classes[predicted[n] ?? 0] ?? null, truth[n] === predicted[n] ? 1 : 0]);
      writeCsv(predictionsPath, { columns: ['row', 'actual', 'predicted', 'correct'], rows });
      const c = confusion(file.classes, truth, predicted);
      console.log(confusionText(c.labels, file.classes, c.matrix));
      report = { classes: file.classes, confusion: { actual: c.labels, predicted: file.classes, matrix: c.matrix }, per_class: c.perClass };
    }
    const metrics = metricsOf(file.task);
    const values = Object.fromEntries(ALL_METRICS.map((m) => [m, metrics.includes(m) ? round(scores[m] ?? NaN) : null])) as Record<Metric, number | null>;
    writeFileSync(reportPath, `${JSON.stringify({ model: modelPath, task: file.task, target: file.target, rows: kept.length, metrics: Object.fromEntries(metrics.map((m) => [m, values[m]])), ...report }, null, 2)}\n`);
    console.log(shown.map((m) => `${m} ${(scores[m] ?? NaN).toFixed(4)}`).join(', ') + ` on ${kept.length} rows`);
    const metric = mainMetric(file.task);
    return { task: file.task, metric, score: values[metric], ...values, rows: kept.length, predictions: predictionsPath, report: reportPath, model: modelPath };
  },
};
