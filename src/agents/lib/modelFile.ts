import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Cell, Table } from './table.js';
import { encodeRows, missingInputs, type InputColumn } from './encoding.js';
import { BadInputError } from './errors.js';
import { AVAILABLE_MODELS, impute, loadEstimator, type Estimator, type EstimatorJSON, type Hyper, type Metric, type ModelKind, type Task } from './learn.js';

/** Bumped whenever a reader of the old shape would misread the new one. */
export const MODEL_FORMAT = 'baton-model/2';

/** Per-fold CV scores; arrays of the other task's metrics are empty. */
export interface CvScores extends Record<Metric, number[]> {
  folds: number;
  /** The main metric's name, and its per-fold values (what compare's paired test reads). */
  metric: string;
  scores: number[];
}

/** The JSON a train step writes: how to encode a row, the fitted model, and the CV scores. */
export interface ModelFile {
  format: typeof MODEL_FORMAT;
  model: ModelKind;
  task: Task;
  target: string;
  /** Source columns and their encoding (numeric, or one-hot levels). */
  inputs: InputColumn[];
  /** Encoded feature names, in the order the model reads them. */
  features: string[];
  /** Class names (index = the model's class number); empty for regression. */
  classes: string[];
  /** Feature means from the training rows, used to fill missing values. */
  means: number[];
  params: Hyper & { seed: number };
  cv: CvScores;
  /** CV means of the task's metrics. */
  metrics: Partial<Record<Metric, number>>;
  rows: number;
  dataset: string;
  trainedAt: string;
  estimator: EstimatorJSON;
}

export function saveModel(path: string, model: Omit<ModelFile, 'format' | 'estimator'>, estimator: Estimator): void {
  const file: ModelFile = { format: MODEL_FORMAT, ...model, estimator: estimator.toJSON() };
  writeFileSync(path, JSON.stringify(file));
}

export interface LoadedModel {
  file: ModelFile;
  estimator: Estimator;
  /** @deprecated the same fitted model under its format-1 name; use `estimator` and `predictTable`. */
  trees: Estimator;
}

/** Reads and checks the JSON of a model file without rebuilding the model. */
export function readModelFile(path: string, argName = 'model'): ModelFile {
  if (!existsSync(path)) throw new BadInputError(`${argName} not found: ${path}; give the model file a train step wrote (its model output)`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new BadInputError(`${argName} ${path} is not a model file (not JSON); give the model output of a train step`);
  }
  const f = data as Partial<ModelFile> | null;
  const format: unknown = f?.format;
  if (typeof format === 'string' && format.startsWith('baton-model/') && format !== MODEL_FORMAT) {
    throw new BadInputError(`${argName} ${path} is in format ${format}, and this Baton reads ${MODEL_FORMAT}; train the model again`);
  }
  if (!f || f.format !== MODEL_FORMAT || !f.estimator || !Array.isArray(f.inputs) || !Array.isArray(f.features) || !Array.isArray(f.classes) || !f.cv) {
    throw new BadInputError(`${argName} ${path} is not a Baton model file (format ${MODEL_FORMAT}); give the model output of a train step`);
  }
  if (!(AVAILABLE_MODELS as readonly string[]).includes(String(f.model))) throw new BadInputError(`${argName} ${path} holds an unknown model kind "${String(f.model)}"`);
  return f as ModelFile;
}

export function loadModel(path: string, argName = 'model'): LoadedModel {
  const file = readModelFile(path, argName);
  try {
    const estimator = loadEstimator(file.estimator);
    return { file, estimator, trees: estimator };
  } catch (e) {
    throw new BadInputError(`${argName} ${path} could not be loaded (${e instanceof Error ? e.message : String(e)}); train it again`);
  }
}

/**
 * Predictions for rows of a table, encoded and imputed as in training: class indices into
 * `file.classes`, or values for regression. A table without a column the model reads is bad input.
 */
export function predictTable(model: LoadedModel, table: Table, rows: readonly Cell[][] = table.rows, source = 'the dataset'): { predicted: number[]; unseen: Map<string, Set<string>> } {
  const missing = missingInputs(table, model.file.inputs);
  if (missing.length) {
    throw new BadInputError(`${source} lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which the model needs; its columns: ${table.columns.join(', ')}`);
  }
  const { X, unseen } = encodeRows(table, model.file.inputs, rows);
  return { predicted: model.estimator.predict(impute(X, model.file.means)), unseen };
}
