import { BadInputError } from './errors.js';
import type { Task } from './modelKinds.js';
import { isNumericColumn, type Cell, type Table } from './table.js';

/** How one source column becomes features; a model file keeps these so evaluate encodes alike. */
export type InputColumn = { name: string; type: 'numeric' } | { name: string; type: 'categorical'; levels: string[] };

/** Text columns with more distinct values than this are free text or ids, not categories. */
export const MAX_LEVELS = 20;

/** The learning view of a table: numeric feature matrix (null = missing) and the target. */
export interface Supervised {
  target: string;
  task: Task;
  inputs: InputColumn[];
  /** Encoded feature names: numeric columns as is, categories as `column=level`. */
  features: string[];
  X: (number | null)[][];
  /** The target as text, per row (stratification key for classification). */
  labels: string[];
  /** Sorted class names; empty for regression. */
  classes: string[];
  /** Class index per row, or the numeric value for regression. */
  y: number[];
  /** Rows left out for a missing target. */
  dropped: number;
  /** Columns that are not features, with why. */
  skipped: { column: string; reason: string }[];
}

export interface SupervisedOptions {
  task?: Task | 'auto';
}

/** A numeric target with many distinct values is a regression; a few integer codes are classes. */
function looksContinuous(values: readonly number[]): boolean {
  const distinct = new Set(values).size;
  return distinct > 20 || (distinct > 10 && values.some((v) => !Number.isInteger(v)));
}

function inputColumn(table: Table, index: number, rows: readonly Cell[][]): InputColumn | { reason: string } {
  const name = table.columns[index] ?? '';
  if (isNumericColumn(table, index)) return { name, type: 'numeric' };
  const present = rows.map((r) => r[index]).filter((v): v is number | string => v !== null && v !== undefined);
  if (present.length === 0) return { reason: 'empty' };
  const levels = [...new Set(present.map(String))].sort();
  if (levels.length > MAX_LEVELS || levels.length > Math.max(2, present.length / 2)) return { reason: `free text (${levels.length} distinct values)` };
  return { name, type: 'categorical', levels };
}

export function featureNames(inputs: readonly InputColumn[]): string[] {
  return inputs.flatMap((c) => (c.type === 'numeric' ? [c.name] : c.levels.map((l) => `${c.name}=${l}`)));
}

/** Inputs a table lacks, by name. */
export function missingInputs(table: Table, inputs: readonly InputColumn[]): string[] {
  return inputs.filter((c) => !table.columns.includes(c.name)).map((c) => c.name);
}

/**
 * Encodes rows: numbers pass (text in a numeric column counts as missing), categories one-hot;
 * a missing or unseen category is all zeros. `unseen` collects the levels training never saw.
 */
export function encodeRows(table: Table, inputs: readonly InputColumn[], rows: readonly Cell[][] = table.rows): { X: (number | null)[][]; unseen: Map<string, Set<string>> } {
  const unseen = new Map<string, Set<string>>();
  const index = inputs.map((c) => table.columns.indexOf(c.name));
  const X = rows.map((r) =>
    inputs.flatMap((c, k) => {
      const v = r[index[k] ?? -1] ?? null;
      if (c.type === 'numeric') return [typeof v === 'number' ? v : null];
      const level = v === null ? null : String(v);
      if (level !== null && !c.levels.includes(level)) unseen.set(c.name, (unseen.get(c.name) ?? new Set()).add(level));
      return c.levels.map((l) => (l === level ? 1 : 0));
    }),
  );
  return { X, unseen };
}

export function supervised(table: Table, target?: string, options: SupervisedOptions = {}): Supervised {
  const t = target === undefined ? table.columns.length - 1 : table.columns.indexOf(target);
  if (t < 0) throw new BadInputError(`target column "${target}" not found; columns: ${table.columns.join(', ')}`);
  const name = table.columns[t] ?? '';
  const rows = table.rows.filter((r) => r[t] !== null && r[t] !== undefined);
  const numericTarget = isNumericColumn(table, t);
  const values = rows.map((r) => r[t] as number | string);
  const wanted = options.task ?? 'auto';
  if (wanted === 'regression' && !numericTarget) {
    const example = values.find((v) => typeof v === 'string');
    throw new BadInputError(`target "${name}" holds text (such as "${String(example)}"), and a regression needs numbers; use task classification`);
  }
  const task: Task = wanted !== 'auto' ? wanted : numericTarget && looksContinuous(values as number[]) ? 'regression' : 'classification';

  const labels = values.map(String);
  const classes = task === 'classification' ? [...new Set(labels)].sort() : [];
  if (task === 'classification') {
    if (classes.length < 2) throw new BadInputError(`target "${name}" has fewer than 2 classes; pick another column with target`);
    if (classes.length > Math.max(20, rows.length / 2)) {
      const hint = numericTarget ? 'set task: regression to predict it as a number' : 'pick another column with target';
      throw new BadInputError(`target "${name}" has ${classes.length} distinct values, too many classes; ${hint}`);
    }
  }

  const inputs: InputColumn[] = [];
  const skipped: { column: string; reason: string }[] = [];
  table.columns.forEach((column, i) => {
    if (i === t) return;
    const c = inputColumn(table, i, rows);
    if ('reason' in c) skipped.push({ column, reason: c.reason });
    else inputs.push(c);
  });
  if (inputs.length === 0) throw new BadInputError(`no usable feature columns besides the target "${name}" (numbers, or text with at most ${MAX_LEVELS} categories)`);
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  return {
    target: name,
    task,
    inputs,
    features: featureNames(inputs),
    X: encodeRows(table, inputs, rows).X,
    labels,
    classes,
    y: task === 'classification' ? labels.map((l) => classIndex.get(l) ?? 0) : (values as number[]),
    dropped: table.rows.length - rows.length,
    skipped,
  };
}
