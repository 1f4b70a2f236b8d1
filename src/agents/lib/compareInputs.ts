import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { absolute } from './args.js';
import { BadInputError } from './errors.js';
import type { Args } from './protocol.js';
import { readTable } from './table.js';

/**
 * The models compare weighs, from whatever a plan wires in: model files (train's `model`),
 * fold score lists (train's `fold_scores`), predictions CSVs (evaluate's `predictions`), or
 * objects `{ name, scores | predictions | model }` naming any of those.
 */
export interface Candidate {
  name: string;
  /** The model file, when known: what a deploy step should receive for the best one. */
  modelPath?: string;
  kind?: string;
  scores?: number[];
  predictions?: string;
  dataset?: string;
  seed?: number;
}

const HOW = 'give model files (the model output of train), fold score lists (fold_scores), predictions CSVs (the predictions output of evaluate) or objects { name, scores | predictions | model }';

/** `needScores`: model files must hold fold scores for `metric` (every test but McNemar's). */
export function readCandidates(args: Args, planDir: string, metric: string, needScores: boolean): Candidate[] {
  const items: { value: unknown; where: string }[] = [];
  const push = (value: unknown, where: string): number => items.push({ value, where });
  const models = args.models;
  if (Array.isArray(models)) models.forEach((m, i) => push(m, `models[${i + 1}]`));
  else if (typeof models === 'string' && models.trim() !== '') {
    if (models.trim().startsWith('[')) parseJsonList(models, 'models').forEach((m, i) => push(m, `models[${i + 1}]`));
    else models.split(',').map((s) => s.trim()).filter(Boolean).forEach((m, i) => push(m, `models[${i + 1}]`));
  } else if (models !== undefined && models !== null && models !== '') throw new BadInputError(`argument models must be a list; ${HOW}`);

  const scores = typeof args.scores === 'string' ? parseJsonValue(args.scores, 'scores') : args.scores;
  if (Array.isArray(scores)) scores.forEach((s, i) => push(Array.isArray(s) || typeof s === 'string' ? { scores: s } : s, `scores[${i + 1}]`));
  else if (scores && typeof scores === 'object') Object.entries(scores as Record<string, unknown>).forEach(([name, s]) => push({ name, scores: s }, `scores.${name}`));
  else if (scores !== undefined && scores !== null) throw new BadInputError('argument scores must be a list of score lists or a mapping of model name to score list');

  const predictions = args.predictions;
  const predictionList = Array.isArray(predictions) ? predictions : typeof predictions === 'string' && predictions !== '' ? predictions.split(',').map((s) => s.trim()) : [];
  predictionList.forEach((p, i) => push(p, `predictions[${i + 1}]`));

  const names = Array.isArray(args.names) ? args.names.map(String) : typeof args.names === 'string' ? args.names.split(',').map((s) => s.trim()) : [];
  const candidates = items.map(({ value, where }, i) => {
    const c = candidate(value, where, planDir, metric, needScores);
    const given = names[i];
    if (given !== undefined && given !== '') c.name = given;
    return c;
  });
  return uniqueNames(candidates);
}

function parseJsonValue(text: string, where: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadInputError(`${where} is not valid JSON: ${text.slice(0, 60)}`);
  }
}

function parseJsonList(text: string, where: string): unknown[] {
  const v = parseJsonValue(text, where);
  if (!Array.isArray(v)) throw new BadInputError(`${where} must be a list`);
  return v;
}

function numbers(value: unknown, where: string): number[] {
  // "0.91, 0.93" as typed on a command line, or "[0.91, 0.93]" from a template inside a longer string.
  const text = typeof value === 'string' ? value.trim() : undefined;
  const list = text === undefined ? value : text.startsWith('[') ? parseJsonList(text, where) : text.split(/[\s,;]+/).filter(Boolean).map(Number);
  if (!Array.isArray(list) || list.length === 0 || !list.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new BadInputError(`${where} must be a non-empty list of numbers (one score per fold), got ${JSON.stringify(value)?.slice(0, 80)}`);
  }
  return list as number[];
}

function candidate(value: unknown, where: string, planDir: string, metric: string, needScores: boolean): Candidate {
  if (Array.isArray(value)) return { name: '', scores: numbers(value, where) };
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.startsWith('[')) return { name: '', scores: numbers(text, where) };
    return fromPath(absolute(text, planDir), where, metric, needScores);
  }
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const base: Candidate = typeof o.model === 'string' ? fromPath(absolute(o.model, planDir), `${where}.model`, metric, needScores && o.scores === undefined && o.fold_scores === undefined && o.predictions === undefined) : { name: '' };
    const scores = o.scores ?? o.fold_scores;
    if (scores !== undefined) base.scores = numbers(scores, `${where}.scores`);
    if (typeof o.predictions === 'string') base.predictions = predictionsFile(absolute(o.predictions, planDir), `${where}.predictions`);
    if (typeof o.name === 'string' && o.name !== '') base.name = o.name;
    if (base.scores === undefined && base.predictions === undefined) throw new BadInputError(`${where} has no scores, predictions or model; ${HOW}`);
    return base;
  }
  throw new BadInputError(`${where} is ${JSON.stringify(value)}; ${HOW}`);
}

function predictionsFile(path: string, where: string): string {
  if (!existsSync(path) || !statSync(path).isFile()) throw new BadInputError(`${where} not found: ${path}; give the predictions output of an evaluate step`);
  return path;
}

/** A predictions CSV, or a model file whose fold scores for `metric` become the candidate's scores. */
function fromPath(path: string, where: string, metric: string, needScores: boolean): Candidate {
  if (!existsSync(path) || !statSync(path).isFile()) throw new BadInputError(`${where} not found: ${path}; ${HOW}`);
  if (extname(path).toLowerCase() === '.csv') return fromPredictions(path, metric);
  const data = readJson(path);
  if (!data) throw new BadInputError(`${where} ${path} is neither a model file (JSON) nor a predictions CSV; ${HOW}`);
  if (!(typeof data.format === 'string' && data.format.startsWith('baton-model'))) {
    throw new BadInputError(`${where} ${path} is not a Baton model file; give the model output of a train step`);
  }
  const c: Candidate = { name: typeof data.model === 'string' ? data.model : basename(path), modelPath: path };
  if (typeof data.model === 'string') c.kind = data.model;
  if (typeof data.dataset === 'string') c.dataset = data.dataset;
  const seed = (data.params as Record<string, unknown> | undefined)?.seed;
  if (typeof seed === 'number') c.seed = seed;
  const scores = foldScores(data, metric);
  if (scores) c.scores = scores;
  else if (needScores) {
    const has = Object.keys((data.cv as Record<string, unknown> | undefined) ?? {}).filter((k) => Array.isArray((data.cv as Record<string, unknown>)[k]));
    throw new BadInputError(`${where} ${path} has no fold scores for ${metric}${has.length ? ` (it has ${has.join(', ')}); set metric` : '; retrain it with folds of 2 or more'}`);
  }
  return c;
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    const data: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An evaluate step writes <artifacts>/<step id>/predictions.csv beside evaluation.json, which
 * names the model file: its kind names the candidate, else the step id does.
 */
function fromPredictions(path: string, metric: string): Candidate {
  const c: Candidate = { name: basename(dirname(path)), predictions: path };
  const modelFile = readJson(join(dirname(path), 'evaluation.json'))?.model;
  if (typeof modelFile !== 'string' || !existsSync(modelFile)) return c;
  try {
    const model = fromPath(modelFile, 'model', metric, false);
    return { ...model, predictions: path };
  } catch {
    return c;
  }
}

/** Where train keeps per-fold scores: `cv.<metric>`, or `fold_scores` for the file's own metric. */
function foldScores(data: Record<string, unknown>, metric: string): number[] | undefined {
  const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number');
  const cv = data.cv as Record<string, unknown> | undefined;
  if (cv && isNumbers(cv[metric])) return cv[metric];
  const fold = data.fold_scores;
  if (fold && typeof fold === 'object' && !Array.isArray(fold) && isNumbers((fold as Record<string, unknown>)[metric])) return (fold as Record<string, number[]>)[metric];
  if (isNumbers(fold) && (data.metric === undefined || data.metric === metric)) return fold;
  return undefined;
}

/** "model 1", "model 2" for unnamed ones; a repeated name gets its source folder (a step id) or a number. */
function uniqueNames(candidates: Candidate[]): Candidate[] {
  candidates.forEach((c, i) => {
    if (c.name === '') c.name = `model ${i + 1}`;
  });
  const repeated = new Set(candidates.filter((c, i) => candidates.findIndex((o) => o.name === c.name) !== i).map((c) => c.name));
  for (const c of candidates) {
    if (!repeated.has(c.name)) continue;
    const source = c.modelPath ?? c.predictions;
    if (source) c.name = `${c.name} (${basename(dirname(source))})`;
  }
  const seen = new Map<string, number>();
  for (const c of candidates) {
    const n = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, n);
    if (n > 1) c.name = `${c.name} #${n}`;
  }
  return candidates;
}

/** Row outcomes of a predictions CSV: id → { actual, correct }, ids from a `row` column or the line order. */
export function readOutcomes(path: string): Map<string, { actual: string; correct: boolean }> {
  const table = readTable(path, 'csv');
  const col = (name: string): number => table.columns.findIndex((c) => c.toLowerCase() === name);
  const [row, actual, predicted, correct] = [col('row'), col('actual'), col('predicted'), col('correct')];
  if (actual < 0 || (predicted < 0 && correct < 0)) {
    throw new BadInputError(`${path} is not a predictions CSV: it needs columns actual and predicted (or correct); it has ${table.columns.join(', ')}`);
  }
  const out = new Map<string, { actual: string; correct: boolean }>();
  table.rows.forEach((r, i) => {
    const id = row >= 0 ? String(r[row]) : String(i + 1);
    const truth = String(r[actual] ?? '');
    const ok = correct >= 0 ? ['1', 'true', 'yes'].includes(String(r[correct]).toLowerCase()) : truth === String(r[predicted] ?? '');
    out.set(id, { actual: truth, correct: ok });
  });
  return out;
}
