import { quantileSorted, sampleCorrelation } from 'simple-statistics';
import { inferType, type ColumnType } from './columnTypes.js';
import { mean, round, std } from './stats.js';
import { columnValues, isNumericColumn, type Cell, type Table } from './table.js';

/** One column as analyze reports it; numeric statistics only for columns of numbers. */
export interface ColumnProfile {
  name: string;
  type: ColumnType;
  missing: number;
  missing_fraction: number;
  unique: number;
  min?: number;
  max?: number;
  mean?: number;
  std?: number;
  p25?: number;
  p50?: number;
  p75?: number;
  top?: { value: string; count: number }[];
}

const TOP_VALUES = 5;

function counts(values: readonly Cell[]): [string, number][] {
  const seen = new Map<string, number>();
  for (const v of values) if (v !== null) seen.set(String(v), (seen.get(String(v)) ?? 0) + 1);
  return [...seen.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export function profileColumn(table: Table, index: number): ColumnProfile {
  const values = columnValues(table, index);
  const present = values.filter((v) => v !== null);
  const missing = values.length - present.length;
  const type = inferType(values);
  const profile: ColumnProfile = { name: table.columns[index] ?? '', type, missing, missing_fraction: round(missing / Math.max(1, values.length)), unique: new Set(present).size };
  if (isNumericColumn(table, index)) {
    const sorted = (present as number[]).slice().sort((a, b) => a - b);
    Object.assign(profile, {
      min: sorted[0],
      max: sorted.at(-1),
      mean: round(mean(sorted)),
      std: round(std(sorted)),
      p25: round(quantileSorted(sorted, 0.25)),
      p50: round(quantileSorted(sorted, 0.5)),
      p75: round(quantileSorted(sorted, 0.75)),
    });
  }
  if (type !== 'integer' && type !== 'number') profile.top = counts(values).slice(0, TOP_VALUES).map(([value, count]) => ({ value, count }));
  return profile;
}

export interface TargetProfile {
  name: string;
  /** Classes for labels and a few integer codes; numeric for a continuous target (a regression). */
  kind: 'classes' | 'numeric';
  classes: { label: string; count: number; fraction: number }[];
  /** The largest class over the smallest; null for a numeric target or a single class. */
  imbalance: number | null;
}

/** The same rule train uses: many distinct numbers are a regression target, a few integer codes are classes. */
function looksContinuous(values: readonly number[]): boolean {
  const distinct = new Set(values).size;
  return distinct > 20 || (distinct > 10 && values.some((v) => !Number.isInteger(v)));
}

export function profileTarget(table: Table, index: number): TargetProfile {
  const name = table.columns[index] ?? '';
  const present = columnValues(table, index).filter((v) => v !== null);
  if (isNumericColumn(table, index) && looksContinuous(present as number[])) return { name, kind: 'numeric', classes: [], imbalance: null };
  const classes = counts(present).map(([label, count]) => ({ label, count, fraction: round(count / Math.max(1, present.length)) }));
  const largest = classes[0]?.count ?? 0;
  const smallest = classes.at(-1)?.count ?? 0;
  return { name, kind: 'classes', classes, imbalance: classes.length > 1 && smallest > 0 ? round(largest / smallest, 2) : null };
}

export interface CorrelationPair {
  a: string;
  b: string;
  r: number;
}

export interface Correlations {
  /** Numeric columns other than the target, in table order; `matrix[i][j]` pairs columns[i] with columns[j]. */
  columns: string[];
  matrix: (number | null)[][];
  /** Every pair, strongest (by |r|) first. */
  pairs: CorrelationPair[];
  /** Each numeric feature with a numeric target, strongest first; empty when the target is not numeric. */
  with_target: { column: string; r: number }[];
}

/** Pearson's r over the rows where both are present; null when undefined (fewer than 3 rows, or a constant). */
export function pearson(table: Table, i: number, j: number): number | null {
  const x: number[] = [];
  const y: number[] = [];
  for (const row of table.rows) {
    const a = row[i];
    const b = row[j];
    if (typeof a === 'number' && typeof b === 'number') {
      x.push(a);
      y.push(b);
    }
  }
  if (x.length < 3) return null;
  const r = sampleCorrelation(x, y);
  return Number.isFinite(r) ? round(r) : null;
}

const byStrength = <T extends { r: number }>(a: T, b: T): number => Math.abs(b.r) - Math.abs(a.r);

export function correlations(table: Table, target: number): Correlations {
  const numeric = table.columns.map((_, i) => i).filter((i) => i !== target && isNumericColumn(table, i));
  const matrix = numeric.map((i) => numeric.map((j) => (i === j ? 1 : null)));
  const pairs: CorrelationPair[] = [];
  numeric.forEach((i, a) => {
    for (let b = a + 1; b < numeric.length; b++) {
      const j = numeric[b] as number;
      const r = pearson(table, i, j);
      (matrix[a] as (number | null)[])[b] = r;
      (matrix[b] as (number | null)[])[a] = r;
      if (r !== null) pairs.push({ a: table.columns[i] ?? '', b: table.columns[j] ?? '', r });
    }
  });
  const withTarget = isNumericColumn(table, target)
    ? numeric.flatMap((i) => {
        const r = pearson(table, i, target);
        return r === null ? [] : [{ column: table.columns[i] ?? '', r }];
      })
    : [];
  return { columns: numeric.map((i) => table.columns[i] ?? ''), matrix, pairs: pairs.sort(byStrength), with_target: withTarget.sort(byStrength) };
}
