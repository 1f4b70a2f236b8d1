import { quantileSorted } from 'simple-statistics';
import { fitsType, inferType } from './columnTypes.js';
import type { GateSpec, OutlierRule } from './gateSpec.js';
import { percent } from './profileSummary.js';
import { mean, round, std } from './stats.js';
import { columnValues, type Cell, type Table } from './table.js';

/** One failed gate, as the log prints it and violations.json keeps it. */
export interface Violation {
  gate: 'min_rows' | 'required' | 'types' | 'max_missing' | 'ranges' | 'allowed' | 'max_duplicates' | 'outliers';
  column?: string;
  message: string;
  /** Rows at fault, and the first of them (1-based data rows, the header not counted). */
  count?: number;
  rows?: number[];
  examples?: string[];
  limit?: unknown;
}

/** Gates with every default filled in: what validate checks and reports. */
export type ResolvedGates = Omit<GateSpec, 'mode'>;

const SHOWN = 10;
const count = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, word: string): string => `${count(n)} ${word}${n === 1 ? '' : 's'}`;

/** Row numbers and distinct example values where `bad` holds. */
function offenders(values: readonly Cell[], bad: (v: Cell) => boolean): { count: number; rows: number[]; examples: string[] } {
  const rows: number[] = [];
  const examples = new Set<string>();
  let n = 0;
  values.forEach((v, i) => {
    if (v === null || !bad(v)) return;
    n++;
    if (rows.length < SHOWN) rows.push(i + 1);
    if (examples.size < 5) examples.add(String(v));
  });
  return { count: n, rows, examples: [...examples] };
}

function outlierBounds(nums: number[], rule: OutlierRule): [number, number] | undefined {
  if (rule.method === 'zscore') {
    const s = std(nums);
    if (s === 0) return undefined;
    const m = mean(nums);
    return [m - rule.threshold * s, m + rule.threshold * s];
  }
  const sorted = nums.slice().sort((a, b) => a - b);
  const q1 = quantileSorted(sorted, 0.25);
  const q3 = quantileSorted(sorted, 0.75);
  return [q1 - rule.threshold * (q3 - q1), q3 + rule.threshold * (q3 - q1)];
}

function checkOutliers(name: string, values: readonly Cell[], rule: OutlierRule): Violation | undefined {
  const nums = values.filter((v): v is number => typeof v === 'number');
  if (nums.length < 4) return undefined;
  const bounds = outlierBounds(nums, rule);
  if (!bounds) return undefined;
  const [lo, hi] = bounds;
  const found = offenders(values, (v) => typeof v === 'number' && (v < lo || v > hi));
  const fraction = found.count / nums.length;
  if (fraction <= rule.max_fraction) return undefined;
  const beyond = rule.method === 'iqr' ? `${rule.threshold}×IQR` : `${rule.threshold} standard deviations`;
  return {
    gate: 'outliers',
    column: name,
    message: `${name} has ${percent(fraction)} outliers (${plural(found.count, 'row')} beyond ${beyond}, outside [${round(lo, 3)}, ${round(hi, 3)}]; max ${percent(rule.max_fraction)})`,
    ...found,
    limit: rule,
  };
}

function duplicates(table: Table): { count: number; rows: number[] } {
  const seen = new Set<string>();
  const rows: number[] = [];
  let n = 0;
  table.rows.forEach((r, i) => {
    const key = JSON.stringify(r);
    if (!seen.has(key)) {
      seen.add(key);
      return;
    }
    n++;
    if (rows.length < SHOWN) rows.push(i + 1);
  });
  return { count: n, rows };
}

function columnGates(table: Table, gates: ResolvedGates, i: number): Violation[] {
  const name = table.columns[i] ?? '';
  const values = columnValues(table, i);
  const found: Violation[] = [];
  const type = gates.types[name];
  if (type) {
    const bad = offenders(values, (v) => !fitsType(v, type));
    if (bad.count) found.push({ gate: 'types', column: name, message: `${name} should be ${type}: ${plural(bad.count, 'row')} ${bad.count === 1 ? 'is' : 'are'} not (${bad.examples.join(', ')})`, ...bad, limit: type });
  }
  const maxMissing = gates.max_missing.columns[name] ?? gates.max_missing.all;
  const missing = values.filter((v) => v === null).length / Math.max(1, values.length);
  if (maxMissing !== undefined && missing > maxMissing) {
    const gaps = values.flatMap((v, r) => (v === null ? [r + 1] : []));
    found.push({ gate: 'max_missing', column: name, message: `column ${name} is ${(missing * 100).toFixed(1)}% missing (max_missing ${percent(maxMissing)})`, count: gaps.length, rows: gaps.slice(0, SHOWN), limit: maxMissing });
  }
  const range = gates.ranges[name];
  if (range?.min !== undefined) {
    const { min } = range;
    const low = offenders(values, (v) => typeof v === 'number' && v < min);
    if (low.count) found.push({ gate: 'ranges', column: name, message: `${name} < ${min} in ${plural(low.count, 'row')}`, ...low, limit: { min } });
  }
  if (range?.max !== undefined) {
    const { max } = range;
    const high = offenders(values, (v) => typeof v === 'number' && v > max);
    if (high.count) found.push({ gate: 'ranges', column: name, message: `${name} > ${max} in ${plural(high.count, 'row')}`, ...high, limit: { max } });
  }
  const allowed = gates.allowed[name];
  if (allowed) {
    const ok = new Set(allowed);
    const other = offenders(values, (v) => !ok.has(String(v)));
    if (other.count) found.push({ gate: 'allowed', column: name, message: `${name} has values outside [${allowed.join(', ')}] in ${plural(other.count, 'row')} (${other.examples.join(', ')})`, ...other, limit: allowed });
  }
  // Without a rule of its own, a column is checked for outliers only if it holds measurements (not 0/1 flags).
  const rule = gates.outliers.columns[name] ?? (gates.outliers.all && ['integer', 'number'].includes(inferType(values)) ? gates.outliers.all : undefined);
  const outliers = rule && checkOutliers(name, values, rule);
  if (outliers) found.push(outliers);
  return found;
}

/** Every violation of the gates, in the order a person fixes them: size, columns, values, rows. */
export function checkGates(table: Table, gates: ResolvedGates): Violation[] {
  const found: Violation[] = [];
  const rows = table.rows.length;
  if (gates.min_rows !== undefined && rows < gates.min_rows) found.push({ gate: 'min_rows', message: `${count(rows)} rows, fewer than min_rows ${count(gates.min_rows)}`, count: rows, limit: gates.min_rows });
  const named = new Map<string, string>();
  for (const c of gates.required) named.set(c, 'required');
  for (const gate of ['types', 'ranges', 'allowed'] as const) for (const c of Object.keys(gates[gate])) if (!named.has(c)) named.set(c, gate);
  for (const c of [...Object.keys(gates.max_missing.columns), ...Object.keys(gates.outliers.columns)]) if (!named.has(c)) named.set(c, 'columns');
  for (const [c, by] of named) {
    if (table.columns.includes(c)) continue;
    found.push({ gate: 'required', column: c, message: by === 'required' ? `required column ${c} is absent` : `column ${c} is absent (named in ${by === 'columns' ? 'max_missing or outliers' : by})` });
  }
  table.columns.forEach((_, i) => found.push(...columnGates(table, gates, i)));
  if (gates.max_duplicates !== undefined) {
    const dup = duplicates(table);
    const limit = gates.max_duplicates;
    const over = limit < 1 ? dup.count / Math.max(1, rows) > limit : dup.count > limit;
    const max = limit < 1 ? percent(limit) : plural(limit, 'row');
    if (over) found.push({ gate: 'max_duplicates', message: `${percent(dup.count / Math.max(1, rows))} duplicate rows (${count(dup.count)} of ${count(rows)}; max ${max})`, ...dup, limit });
  }
  return found;
}
