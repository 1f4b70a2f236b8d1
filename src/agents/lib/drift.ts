import { quantileSorted } from 'simple-statistics';
import { ksTwoSampleP } from './distributions.js';
import { isNumericColumn, type Cell, type Table } from './table.js';

/**
 * Data drift of a current batch against a reference: the population stability index (PSI) per
 * feature, and for numeric features the two-sample Kolmogorov–Smirnov test.
 */

/** Shares below this count as this, so an empty bin gives a large but finite PSI term. */
export const PSI_EPSILON = 1e-4;

/** PSI = sum over bins of (current - reference) * ln(current / reference), on shares. */
export function psiFromCounts(reference: readonly number[], current: readonly number[], epsilon = PSI_EPSILON): number {
  const nr = reference.reduce((a, b) => a + b, 0);
  const nc = current.reduce((a, b) => a + b, 0);
  if (nr === 0 || nc === 0) return 0;
  let psi = 0;
  reference.forEach((r, i) => {
    const p = Math.max(r / nr, epsilon);
    const q = Math.max((current[i] ?? 0) / nc, epsilon);
    psi += (q - p) * Math.log(q / p);
  });
  return psi;
}

/** The inner cut points of `bins` quantile bins of the reference, duplicates removed. */
export function quantileEdges(sortedReference: readonly number[], bins: number): number[] {
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const e = quantileSorted(sortedReference, k / bins);
    if (edges.at(-1) !== e) edges.push(e);
  }
  return edges;
}

/** Index of the bin holding v: bin i is (edges[i-1], edges[i]], the last one is open above. */
function binOf(v: number, edges: readonly number[]): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= (edges[mid] ?? Infinity)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function binCounts(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) {
    const b = binOf(v, edges);
    counts[b] = (counts[b] ?? 0) + 1;
  }
  return counts;
}

/** PSI of a numeric feature over quantile bins of the reference. */
export function psiNumeric(reference: readonly number[], current: readonly number[], bins = 10, epsilon = PSI_EPSILON): number {
  const edges = quantileEdges([...reference].sort((a, b) => a - b), bins);
  return psiFromCounts(binCounts(reference, edges), binCounts(current, edges), epsilon);
}

/** PSI of a categorical feature over the categories seen in either batch. */
export function psiCategorical(reference: readonly string[], current: readonly string[], epsilon = PSI_EPSILON): number {
  const categories = [...new Set([...reference, ...current])];
  const count = (xs: readonly string[]): number[] => {
    const m = new Map<string, number>();
    for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
    return categories.map((c) => m.get(c) ?? 0);
  };
  return psiFromCounts(count(reference), count(current), epsilon);
}

/** The two-sample KS statistic D = max |F_a(x) - F_b(x)|, with its asymptotic p-value. */
export function ksTwoSample(a: readonly number[], b: readonly number[]): { statistic: number; p: number } {
  const x = [...a].sort((u, v) => u - v);
  const y = [...b].sort((u, v) => u - v);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i] ?? Infinity, y[j] ?? Infinity);
    // Step past every copy of v in both samples before comparing: ties move both ECDFs at once.
    while (i < x.length && x[i] === v) i++;
    while (j < y.length && y[j] === v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return { statistic: d, p: ksTwoSampleP(d, x.length, y.length) };
}

export interface FeatureDrift {
  feature: string;
  kind: 'numeric' | 'categorical';
  psi: number;
  ks: { statistic: number; p: number } | null;
  referenceRows: number;
  currentRows: number;
  /** The mean, or the share of the category that moved most, in each batch: what a person checks first. */
  reference: number | string | null;
  current: number | string | null;
}

export interface DriftOptions {
  bins: number;
  ignore: readonly string[];
}

/** The category whose share moved most, as "red 50%" in each batch. */
function mostMoved(reference: readonly string[], current: readonly string[]): [string, string] {
  const shares = (xs: readonly string[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1 / xs.length);
    return m;
  };
  const [r, c] = [shares(reference), shares(current)];
  let best = '';
  let gap = -1;
  for (const k of new Set([...r.keys(), ...c.keys()])) {
    const g = Math.abs((c.get(k) ?? 0) - (r.get(k) ?? 0));
    if (g > gap) [best, gap] = [k, g];
  }
  const pct = (m: Map<string, number>): string => `${best} ${Math.round((m.get(best) ?? 0) * 100)}%`;
  return [pct(r), pct(c)];
}

const meanOf = (xs: readonly number[]): number | null => (xs.length ? xs.reduce((s, v) => s + v, 0) / xs.length : null);

/** Per-feature drift over the columns both tables share; `missing` are reference columns the batch lacks. */
export function tableDrift(reference: Table, current: Table, options: DriftOptions): { features: FeatureDrift[]; missing: string[] } {
  const features: FeatureDrift[] = [];
  const missing: string[] = [];
  reference.columns.forEach((name, r) => {
    if (options.ignore.includes(name)) return;
    const c = current.columns.indexOf(name);
    if (c < 0) {
      missing.push(name);
      return;
    }
    const refCells = reference.rows.map((row) => row[r] ?? null).filter((v): v is Exclude<Cell, null> => v !== null);
    const curCells = current.rows.map((row) => row[c] ?? null).filter((v): v is Exclude<Cell, null> => v !== null);
    if (refCells.length === 0 || curCells.length === 0) return;
    if (isNumericColumn(reference, r) && isNumericColumn(current, c)) {
      const ref = refCells as number[];
      const cur = curCells as number[];
      const ks = ksTwoSample(ref, cur);
      features.push({ feature: name, kind: 'numeric', psi: psiNumeric(ref, cur, options.bins), ks, referenceRows: ref.length, currentRows: cur.length, reference: meanOf(ref), current: meanOf(cur) });
    } else {
      const ref = refCells.map(String);
      const cur = curCells.map(String);
      const [before, after] = mostMoved(ref, cur);
      features.push({ feature: name, kind: 'categorical', psi: psiCategorical(ref, cur), ks: null, referenceRows: ref.length, currentRows: cur.length, reference: before, current: after });
    }
  });
  return { features, missing };
}
