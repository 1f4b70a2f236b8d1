import { variance } from 'simple-statistics';
import { precise } from './stats.js';
import { isNumericColumn, type Cell, type Table } from './table.js';

export const SELECTORS = ['variance', 'correlation'] as const;
export type Selector = (typeof SELECTORS)[number];

export interface SelectOptions {
  select?: Selector;
  /** variance: features whose variance is at most this go (0: constant columns). */
  minVariance: number;
  /** correlation: of two features correlated beyond this (absolute Pearson r), one goes. */
  maxCorrelation: number;
  /** Keep only this many features, those most associated with the target. */
  maxFeatures?: number;
}

export interface Removal {
  column: string;
  reason: string;
}

interface Column {
  name: string;
  values: Cell[];
  numeric: boolean;
}

/** |Pearson r| over the rows where both are numbers; 0 when either is constant there. */
export function pearson(x: readonly Cell[], y: readonly Cell[]): number {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i];
    const b = y[i];
    if (typeof a !== 'number' || typeof b !== 'number') continue;
    n++;
    sx += a;
    sy += b;
    sxx += a * a;
    syy += b * b;
    sxy += a * b;
  }
  const vx = n * sxx - sx * sx;
  const vy = n * syy - sy * sy;
  return n < 2 || vx <= 0 || vy <= 0 ? 0 : Math.min(1, Math.abs((n * sxy - sx * sy) / Math.sqrt(vx * vy)));
}

/** The correlation ratio: how much of a number's variance the categories explain (its root). */
function eta(numbers: readonly Cell[], categories: readonly Cell[]): number {
  const groups = new Map<string, number[]>();
  const all: number[] = [];
  numbers.forEach((v, i) => {
    const c = categories[i];
    if (typeof v !== 'number' || c === null || c === undefined) return;
    all.push(v);
    const group = groups.get(String(c)) ?? [];
    group.push(v);
    groups.set(String(c), group);
  });
  if (all.length < 2) return 0;
  const total = variance(all) * all.length;
  if (total === 0) return 0;
  const grand = all.reduce((s, v) => s + v, 0) / all.length;
  let between = 0;
  for (const g of groups.values()) between += g.length * (g.reduce((s, v) => s + v, 0) / g.length - grand) ** 2;
  return Math.sqrt(between / total);
}

/** Cramér's V between two categorical columns. */
function cramersV(x: readonly Cell[], y: readonly Cell[]): number {
  const counts = new Map<string, Map<string, number>>();
  const colTotals = new Map<string, number>();
  let n = 0;
  x.forEach((a, i) => {
    const b = y[i];
    if (a === null || b === null || b === undefined) return;
    const row = counts.get(String(a)) ?? new Map<string, number>();
    row.set(String(b), (row.get(String(b)) ?? 0) + 1);
    counts.set(String(a), row);
    colTotals.set(String(b), (colTotals.get(String(b)) ?? 0) + 1);
    n++;
  });
  const k = Math.min(counts.size, colTotals.size);
  if (n === 0 || k < 2) return 0;
  let chi2 = 0;
  for (const row of counts.values()) {
    const rowTotal = [...row.values()].reduce((s, v) => s + v, 0);
    for (const [c, total] of colTotals) {
      const expected = (rowTotal * total) / n;
      chi2 += ((row.get(c) ?? 0) - expected) ** 2 / expected;
    }
  }
  return Math.sqrt(chi2 / (n * (k - 1)));
}

/** Strength of association in [0, 1], whatever the two columns hold. */
function association(a: Column, b: Column): number {
  if (a.numeric && b.numeric) return pearson(a.values, b.values);
  if (a.numeric) return eta(a.values, b.values);
  if (b.numeric) return eta(b.values, a.values);
  return cramersV(a.values, b.values);
}

/**
 * Feature columns to drop, with why: variance or correlation filtering, then at most
 * `maxFeatures` by association with the target. The target itself is never a candidate.
 */
export function selectFeatures(table: Table, target: string, options: SelectOptions): Removal[] {
  const columns: Column[] = table.columns.map((name, i) => ({ name, values: table.rows.map((r) => r[i] ?? null), numeric: isNumericColumn(table, i) }));
  const y = columns.find((c) => c.name === target);
  let kept = columns.filter((c) => c !== y);
  const removed: Removal[] = [];
  const drop = (c: Column, reason: string): void => {
    removed.push({ column: c.name, reason });
    kept = kept.filter((k) => k !== c);
  };
  const relevance = new Map(kept.map((c) => [c, y ? association(c, y) : 0]));

  if (options.select === 'variance') {
    for (const c of kept.filter((k) => k.numeric)) {
      const xs = c.values.filter((v): v is number => typeof v === 'number');
      const v = xs.length ? variance(xs) : 0;
      if (v <= options.minVariance) drop(c, `variance ${precise(v)} is at most min_variance ${options.minVariance}`);
    }
  } else if (options.select === 'correlation') {
    const numeric = kept.filter((k) => k.numeric);
    const pairs = numeric.flatMap((a, i) => numeric.slice(i + 1).map((b) => ({ a, b, r: pearson(a.values, b.values) }))).filter((p) => p.r > options.maxCorrelation);
    // Strongest pairs first: dropping one column can settle several weaker pairs at once.
    for (const { a, b, r } of pairs.sort((p, q) => q.r - p.r)) {
      if (!kept.includes(a) || !kept.includes(b)) continue;
      const [keep, lose] = (relevance.get(b) ?? 0) > (relevance.get(a) ?? 0) ? [b, a] : [a, b];
      drop(lose, `correlated with ${keep.name} (|r| ${precise(r, 3)}), which is more associated with ${target}`);
    }
  }
  if (options.maxFeatures !== undefined && kept.length > options.maxFeatures) {
    const ranked = [...kept].sort((a, b) => (relevance.get(b) ?? 0) - (relevance.get(a) ?? 0));
    for (const c of ranked.slice(options.maxFeatures)) drop(c, `not among the ${options.maxFeatures} features most associated with ${target}`);
  }
  return removed;
}
