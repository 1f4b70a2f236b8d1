import { max, median, min, quantileSorted } from 'simple-statistics';
import { BadInputError } from './errors.js';
import { mean, round, std } from './stats.js';
import { isNumericColumn, type Cell, type Table } from './table.js';

export const PREP_STEPS = ['impute', 'drop-missing', 'encode', 'scale', 'clip-outliers', 'deduplicate'] as const;
export type PrepStep = (typeof PREP_STEPS)[number];
export type Imputer = 'mean' | 'median';
export type Scaler = 'standard' | 'minmax';

export interface EncodedColumn {
  column: string;
  kind: 'one-hot' | 'ordinal';
  levels: string[];
}

/** A step with what it learned from the data it was fitted on, so other data gets the same change. */
export type FittedStep =
  | { step: 'impute'; strategy: Imputer; fill: Record<string, number | string> }
  | { step: 'drop-missing' }
  | { step: 'deduplicate' }
  | { step: 'encode'; columns: EncodedColumn[] }
  | { step: 'scale'; scaler: Scaler; columns: Record<string, { center: number; scale: number }> }
  | { step: 'clip-outliers'; factor: number; columns: Record<string, { low: number; high: number }> };

export interface FitOptions {
  target: string;
  impute: Imputer;
  scaler: Scaler;
  /** Categoricals with at most this many levels are one-hot encoded, others get ordinal codes. */
  maxLevels: number;
  /** Tukey's fence: values beyond factor x IQR from the quartiles are clipped. */
  iqrFactor: number;
}

type Warn = (text: string) => void;

/** Feature columns (never the target) and whether each is numeric in the data being fitted. */
function featureColumns(table: Table, target: string): { name: string; index: number; numeric: boolean }[] {
  return table.columns.flatMap((name, index) => (name === target ? [] : [{ name, index, numeric: isNumericColumn(table, index) }]));
}

function numbers(table: Table, index: number): number[] {
  return table.rows.map((r) => r[index]).filter((v): v is number => typeof v === 'number');
}

function texts(table: Table, index: number): string[] {
  return table.rows.map((r) => r[index]).flatMap((v) => (v === null || v === undefined ? [] : [String(v)]));
}

/** The most frequent value; ties go to the first in sorted order so refits agree. */
function mostFrequent(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

function sortedLevels(values: readonly string[]): string[] {
  return [...new Set(values)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/**
 * Learns one step's parameters from `table`. `encoded` names columns an earlier encode made:
 * scaling or clipping 0/1 indicators and category codes would only blur them.
 */
export function fitStep(step: PrepStep, table: Table, options: FitOptions, encoded: ReadonlySet<string>, warn: Warn): FittedStep {
  const features = featureColumns(table, options.target);
  const measured = features.filter((c) => c.numeric && !encoded.has(c.name));
  switch (step) {
    case 'impute': {
      const fill: Record<string, number | string> = {};
      for (const c of features) {
        const value = c.numeric ? (options.impute === 'median' ? median(numbers(table, c.index)) : round(mean(numbers(table, c.index)), 6)) : mostFrequent(texts(table, c.index));
        if (value === undefined) warn(`impute: column ${c.name} has no values at all; it stays empty`);
        else fill[c.name] = value;
      }
      return { step, strategy: options.impute, fill };
    }
    case 'encode': {
      const columns = features
        .filter((c) => !c.numeric)
        .flatMap((c): EncodedColumn[] => {
          const values = texts(table, c.index);
          const levels = sortedLevels(values);
          if (levels.length === 0) return [];
          if (levels.length > options.maxLevels && levels.length > values.length / 2) warn(`encode: column ${c.name} has ${levels.length} distinct values in ${values.length} rows, like an id or free text; its ordinal codes carry little meaning`);
          return [{ column: c.name, kind: levels.length <= options.maxLevels ? 'one-hot' : 'ordinal', levels }];
        });
      return { step, columns };
    }
    case 'scale': {
      const columns: Record<string, { center: number; scale: number }> = {};
      for (const c of measured) {
        const xs = numbers(table, c.index);
        columns[c.name] = options.scaler === 'minmax' ? { center: min(xs), scale: max(xs) - min(xs) } : { center: mean(xs), scale: std(xs) };
      }
      return { step, scaler: options.scaler, columns };
    }
    case 'clip-outliers': {
      const columns: Record<string, { low: number; high: number }> = {};
      for (const c of measured) {
        const xs = numbers(table, c.index).sort((a, b) => a - b);
        const q1 = quantileSorted(xs, 0.25);
        const q3 = quantileSorted(xs, 0.75);
        const iqr = q3 - q1;
        columns[c.name] = { low: q1 - options.iqrFactor * iqr, high: q3 + options.iqrFactor * iqr };
      }
      return { step, factor: options.iqrFactor, columns };
    }
    case 'drop-missing':
    case 'deduplicate':
      return { step };
  }
}

/** Where a column the transform needs sits in `table`; its absence is the user's to fix. */
function indexOf(table: Table, column: string, step: string): number {
  const i = table.columns.indexOf(column);
  if (i < 0) throw new BadInputError(`the data lacks column ${column}, which the ${step} step of the transform needs; its columns: ${table.columns.join(', ')}`);
  return i;
}

function mapColumns(table: Table, step: string, names: readonly string[], change: (v: Cell, name: string) => Cell): Table {
  const at = new Map(names.map((n) => [indexOf(table, n, step), n]));
  return { columns: table.columns, rows: table.rows.map((r) => r.map((v, i) => (at.has(i) ? change(v, at.get(i) ?? '') : v))) };
}

function encode(table: Table, columns: readonly EncodedColumn[], warn: Warn): Table {
  const byIndex = new Map(columns.map((c) => [indexOf(table, c.column, 'encode'), c]));
  const unseen = new Map<string, Set<string>>();
  const cells = (v: Cell, c: EncodedColumn): Cell[] => {
    const level = v === null ? null : String(v);
    const known = level !== null && c.levels.includes(level);
    if (level !== null && !known) unseen.set(c.column, (unseen.get(c.column) ?? new Set()).add(level));
    // An unseen category is no known category: all zeros, or -1 as an ordinal code.
    if (c.kind === 'one-hot') return c.levels.map((l) => (l === level ? 1 : 0));
    return [level === null ? null : known ? c.levels.indexOf(level) : -1];
  };
  const names = table.columns.flatMap((name, i) => {
    const c = byIndex.get(i);
    return c?.kind === 'one-hot' ? c.levels.map((l) => `${name}=${l}`) : [name];
  });
  const rows = table.rows.map((r) =>
    r.flatMap((v, i) => {
      const c = byIndex.get(i);
      return c ? cells(v, c) : [v];
    }),
  );
  for (const [column, levels] of unseen) warn(`encode: column ${column} has values the transform never saw (${[...levels].slice(0, 5).join(', ')}); they are encoded as no known category`);
  return { columns: names, rows };
}

/** Applies one fitted step; the same call serves the data it was fitted on and any other. */
export function applyStep(table: Table, fitted: FittedStep, warn: Warn): Table {
  switch (fitted.step) {
    case 'impute':
      return mapColumns(table, 'impute', Object.keys(fitted.fill), (v, name) => (v === null ? (fitted.fill[name] ?? null) : v));
    case 'encode':
      return encode(table, fitted.columns, warn);
    case 'scale':
      return mapColumns(table, 'scale', Object.keys(fitted.columns), (v, name) => {
        const s = fitted.columns[name];
        if (!s || typeof v !== 'number') return v;
        return s.scale === 0 ? 0 : round((v - s.center) / s.scale, 6);
      });
    case 'clip-outliers':
      return mapColumns(table, 'clip-outliers', Object.keys(fitted.columns), (v, name) => {
        const b = fitted.columns[name];
        return b && typeof v === 'number' ? Math.min(b.high, Math.max(b.low, v)) : v;
      });
    case 'drop-missing':
      return { columns: table.columns, rows: table.rows.filter((r) => r.every((v) => v !== null)) };
    case 'deduplicate': {
      const seen = new Set<string>();
      const rows = table.rows.filter((r) => {
        const key = JSON.stringify(r);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      return { columns: table.columns, rows };
    }
  }
}

/** Columns an encode step writes, so later steps leave them alone. */
export function encodedNames(fitted: FittedStep): string[] {
  if (fitted.step !== 'encode') return [];
  return fitted.columns.flatMap((c) => (c.kind === 'one-hot' ? c.levels.map((l) => `${c.column}=${l}`) : [c.column]));
}
