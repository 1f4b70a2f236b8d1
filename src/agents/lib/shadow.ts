import { existsSync } from 'node:fs';
import { loadTable } from './dataset.js';
import { BadInputError } from './errors.js';
import { regressionScores } from './metrics.js';
import { loadModel, predictTable } from './modelFile.js';
import type { Task } from './modelKinds.js';
import type { StepContext } from './protocol.js';
import { classificationScores } from './stats.js';
import type { Cell, Table } from './table.js';

/**
 * What a shadow evaluation needs of a model: its target and task, and "predict(rows) → labels or
 * values". The one place that knows the model file API, so a change there changes only `loadPredictor`.
 */
export interface Predictor {
  task: Task;
  target: string;
  /** One prediction per row: a class name, or a number for a regression. */
  predict(table: Table, rows: readonly Cell[][], source: string): (string | number)[];
}

export function loadPredictor(path: string, argName = 'model'): Predictor {
  const model = loadModel(path, argName);
  const { task, target, classes } = model.file;
  return {
    task,
    target,
    predict(table, rows, source) {
      const { predicted } = predictTable(model, table, rows, source);
      return task === 'classification' ? predicted.map((k) => classes[k] ?? String(k)) : predicted;
    },
  };
}

/** The task's scores of a predictor on some rows of a labelled table: accuracy and macro f1, precision, recall; or rmse, mae, r2. */
export function scoreOn(model: Predictor, table: Table, rowIndices: readonly number[], source: string): Record<string, number> {
  const t = table.columns.indexOf(model.target);
  if (t < 0) throw new BadInputError(`the shadow dataset ${source} has no column ${model.target}, the model's target; columns: ${table.columns.join(', ')}`);
  const rows = rowIndices.map((i) => table.rows[i]).filter((r): r is Cell[] => r !== undefined && r[t] !== null && r[t] !== undefined);
  if (model.task === 'regression') {
    const numeric = rows.filter((r) => typeof r[t] === 'number');
    const predicted = model.predict(table, numeric, `the shadow dataset ${source}`).map(Number);
    return { ...regressionScores(numeric.map((r) => r[t] as number), predicted) };
  }
  const truth = rows.map((r) => String(r[t]));
  const predicted = model.predict(table, rows, `the shadow dataset ${source}`).map(String);
  const labels = [...new Set([...truth, ...predicted])];
  return { ...classificationScores(truth.map((l) => labels.indexOf(l)), predicted.map((l) => labels.indexOf(l))) };
}

export interface ShadowData {
  table: Table;
  /** What the user would call it: the argument, a sample name or a path. */
  source: string;
}

/**
 * The labelled rows the gates judge on: the `shadow` argument, else the data the live version was
 * trained on (trusted, unlike a candidate's own), else the candidate's; undefined when none is known.
 */
export function shadowData(given: string | undefined, recorded: readonly (string | null | undefined)[], ctx: StepContext): ShadowData | undefined {
  if (given !== undefined) return { table: loadTable(given, ctx, 'shadow').table, source: given };
  for (const value of recorded) {
    if (!value) continue;
    const isSample = !/[/\\.]/.test(value);
    if (!isSample && !existsSync(value)) continue;
    ctx.warn(`shadow: judging on ${value}, the data a model was trained on; give shadow for held-out rows`);
    return { table: loadTable(value, ctx, 'shadow').table, source: value };
  }
  return undefined;
}
