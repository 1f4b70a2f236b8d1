import { quantileSorted } from 'simple-statistics';
import { DATE_PARTS, dateColumn, parseDateTime } from './dateParts.js';
import { BadInputError } from './errors.js';
import { precise } from './stats.js';
import { isNumericColumn, type Cell, type Table } from './table.js';

export const FEATURE_METHODS = ['interactions', 'polynomial', 'binning', 'date-parts'] as const;
export type FeatureMethod = (typeof FEATURE_METHODS)[number];

/** A method with the columns (and bin edges) it chose, so other data gets the same columns. */
export type FittedMethod =
  | { method: 'interactions'; pairs: [string, string][] }
  | { method: 'polynomial'; degree: number; columns: string[] }
  | { method: 'binning'; bins: number; edges: Record<string, number[]> }
  | { method: 'date-parts'; columns: { column: string; hour: boolean }[] };

export interface MethodOptions {
  degree: number;
  bins: number;
}

interface Made {
  name: string;
  value: (row: readonly Cell[]) => Cell;
}

function numericFeatures(table: Table, target: string): string[] {
  return table.columns.filter((name, i) => name !== target && isNumericColumn(table, i));
}

/** Decides which columns a method builds from; a method with nothing to work on is bad input. */
export function fitMethod(method: FeatureMethod, table: Table, target: string, options: MethodOptions): FittedMethod {
  const numeric = numericFeatures(table, target);
  switch (method) {
    case 'interactions': {
      if (numeric.length < 2) throw new BadInputError(`interactions need at least two numeric feature columns; found ${numeric.length} (${numeric.join(', ') || 'none'})`);
      return { method, pairs: numeric.flatMap((a, i) => numeric.slice(i + 1).map((b): [string, string] => [a, b])) };
    }
    case 'polynomial':
      if (numeric.length === 0) throw new BadInputError('polynomial features need numeric feature columns; this data has none besides the target');
      return { method, degree: options.degree, columns: numeric };
    case 'binning': {
      const edges: Record<string, number[]> = {};
      for (const name of numeric) {
        const i = table.columns.indexOf(name);
        const xs = table.rows.map((r) => r[i]).filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
        // Equal quantiles (a column with few values) collapse into one edge: fewer, non-empty bins.
        const cuts = [...new Set(Array.from({ length: options.bins - 1 }, (_, k) => precise(quantileSorted(xs, (k + 1) / options.bins), 12)))];
        // A column with no more values than bins is already as coarse as its bins would be.
        if (new Set(xs).size > options.bins && cuts.length > 0) edges[name] = cuts;
      }
      if (Object.keys(edges).length === 0) throw new BadInputError(`binning needs numeric feature columns with more than ${options.bins} distinct values (bins); this data has none`);
      return { method, bins: options.bins, edges };
    }
    case 'date-parts': {
      const columns = table.columns.flatMap((name, i) => {
        const found = name === target || isNumericColumn(table, i) ? undefined : dateColumn(table.rows.map((r) => r[i] ?? null));
        return found ? [{ column: name, hour: found.hasTime }] : [];
      });
      if (columns.length === 0) throw new BadInputError('date-parts found no date columns; it reads text such as 2024-03-01 or 2024-03-01T14:30');
      return { method, columns };
    }
  }
}

const POWER_NAMES: Record<number, string> = { 2: 'sq', 3: 'cube' };

function madeColumns(table: Table, fitted: FittedMethod): Made[] {
  const at = (name: string): number => {
    const i = table.columns.indexOf(name);
    if (i < 0) throw new BadInputError(`the data lacks column ${name}, which the ${fitted.method} features of the transform need; its columns: ${table.columns.join(', ')}`);
    return i;
  };
  const num = (r: readonly Cell[], i: number): number | undefined => {
    const v = r[i];
    return typeof v === 'number' ? v : undefined;
  };
  switch (fitted.method) {
    case 'interactions':
      return fitted.pairs.map(([a, b]) => {
        const [i, j] = [at(a), at(b)];
        return {
          name: `${a}_x_${b}`,
          value: (r) => {
            const [x, y] = [num(r, i), num(r, j)];
            return x === undefined || y === undefined ? null : precise(x * y, 12);
          },
        };
      });
    case 'polynomial':
      return fitted.columns.flatMap((c) => {
        const i = at(c);
        const powers = Array.from({ length: fitted.degree - 1 }, (_, k) => k + 2);
        const power = (x: number | undefined, p: number): Cell => (x === undefined ? null : precise(x ** p, 12));
        return powers.map((p): Made => ({ name: `${c}_${POWER_NAMES[p] ?? `pow${p}`}`, value: (r) => power(num(r, i), p) }));
      });
    case 'binning':
      return Object.entries(fitted.edges).map(([c, edges]): Made => {
        const i = at(c);
        // Right-closed bins as pandas.qcut: a value equal to an edge falls in the lower bin.
        const bin = (x: number | undefined): Cell => (x === undefined ? null : edges.filter((e) => x > e).length);
        return { name: `${c}_bin`, value: (r) => bin(num(r, i)) };
      });
    case 'date-parts':
      return fitted.columns.flatMap(({ column, hour }) => {
        const i = at(column);
        const parts: readonly (keyof typeof PART_OF)[] = hour ? [...DATE_PARTS, 'hour'] : DATE_PARTS;
        return parts.map((part): Made => ({ name: `${column}_${part}`, value: (r) => PART_OF[part](r[i] ?? null) }));
      });
  }
}

const PART_OF = {
  year: (v: Cell) => parseDateTime(v)?.year ?? null,
  month: (v: Cell) => parseDateTime(v)?.month ?? null,
  day: (v: Cell) => parseDateTime(v)?.day ?? null,
  weekday: (v: Cell) => parseDateTime(v)?.weekday ?? null,
  hour: (v: Cell) => parseDateTime(v)?.hour ?? null,
};

/**
 * The table with every method's columns: the features as they were (date columns replaced by
 * their parts), the new columns, then the target last. A new name already taken is skipped.
 */
export function buildFeatures(table: Table, target: string, methods: readonly FittedMethod[], warn: (text: string) => void): { table: Table; added: string[] } {
  const replaced = new Set(methods.flatMap((m) => (m.method === 'date-parts' ? m.columns.map((c) => c.column) : [])));
  const t = table.columns.indexOf(target);
  const kept = table.columns.map((_, i) => i).filter((i) => i !== t && !replaced.has(table.columns[i] ?? ''));
  const taken = new Set(kept.map((i) => table.columns[i] ?? ''));
  const made = methods.flatMap((m) => madeColumns(table, m)).filter((m) => {
    if (!taken.has(m.name)) {
      taken.add(m.name);
      return true;
    }
    warn(`column ${m.name} exists already; it is kept and not built again`);
    return false;
  });
  const columns = [...kept.map((i) => table.columns[i] ?? ''), ...made.map((m) => m.name), ...(t >= 0 ? [target] : [])];
  const rows = table.rows.map((r) => [...kept.map((i) => r[i] ?? null), ...made.map((m) => m.value(r)), ...(t >= 0 ? [r[t] ?? null] : [])]);
  return { table: { columns, rows }, added: made.map((m) => m.name) };
}
