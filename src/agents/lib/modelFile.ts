import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DecisionTreeClassifier, type DecisionTreeJSON } from 'ml-cart';
import { BadInputError } from './errors.js';
import { AVAILABLE_MODELS, type FittedTree, type Hyper, type ModelKind } from './learn.js';

export const MODEL_FORMAT = 'baton-model/1';

/** The JSON a train step writes: enough to predict, and the CV scores compare needs. */
export interface ModelFile {
  format: typeof MODEL_FORMAT;
  model: ModelKind;
  target: string;
  features: string[];
  classes: string[];
  /** Column means from the training rows, used to fill missing feature values. */
  means: number[];
  params: Hyper & { seed: number };
  cv: { folds: number; accuracy: number[]; f1: number[] };
  accuracy: number;
  f1: number;
  rows: number;
  dataset: string;
  trainedAt: string;
  trees: { features: number[]; tree: DecisionTreeJSON }[];
}

export function saveModel(path: string, model: Omit<ModelFile, 'format' | 'trees'>, trees: readonly FittedTree[]): void {
  const file: ModelFile = { format: MODEL_FORMAT, ...model, trees: trees.map((t) => ({ features: t.features, tree: t.tree.toJSON() })) };
  writeFileSync(path, JSON.stringify(file));
}

export interface LoadedModel {
  file: ModelFile;
  trees: FittedTree[];
}

/** Reads the JSON of a model file; the trees are only rebuilt when `withTrees`. */
export function readModelFile(path: string, argName = 'model'): ModelFile {
  if (!existsSync(path)) throw new BadInputError(`${argName} not found: ${path}; give the model file a train step wrote (its model output)`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new BadInputError(`${argName} ${path} is not a model file (not JSON); give the model output of a train step`);
  }
  const f = data as Partial<ModelFile> | null;
  if (!f || f.format !== MODEL_FORMAT || !Array.isArray(f.trees) || !Array.isArray(f.features) || !Array.isArray(f.classes)) {
    throw new BadInputError(`${argName} ${path} is not a Baton model file (format ${MODEL_FORMAT}); give the model output of a train step`);
  }
  if (!(AVAILABLE_MODELS as readonly string[]).includes(String(f.model))) throw new BadInputError(`${argName} ${path} holds an unknown model kind "${String(f.model)}"`);
  return f as ModelFile;
}

export function loadModel(path: string, argName = 'model'): LoadedModel {
  const file = readModelFile(path, argName);
  const trees = file.trees.map((t) => ({ features: t.features, tree: DecisionTreeClassifier.load(t.tree) }));
  return { file, trees };
}
