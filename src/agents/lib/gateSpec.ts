import { columnType, type ColumnType } from './columnTypes.js';
import { BadInputError } from './errors.js';

/**
 * The quality gates validate checks, read alike from step arguments and from a schema file
 * (JSON or YAML); every reader names the setting it rejects, as `argument ranges` or
 * `schema checks.yaml: ranges.age.min`.
 */

export const MODES = ['fail', 'report-only'] as const;
export type Mode = (typeof MODES)[number];
export const OUTLIER_METHODS = ['iqr', 'zscore'] as const;

export interface OutlierRule {
  method: (typeof OUTLIER_METHODS)[number];
  /** IQR multiples beyond the quartiles, or standard deviations from the mean. */
  threshold: number;
  /** The largest fraction of a column's values allowed beyond the threshold. */
  max_fraction: number;
}

/** `all` applies to every column (every numeric column for outliers) that `columns` does not name. */
export interface PerColumn<T> {
  all?: T;
  columns: Record<string, T>;
}

export interface GateSpec {
  required: string[];
  types: Record<string, ColumnType>;
  max_missing: PerColumn<number>;
  ranges: Record<string, { min?: number; max?: number }>;
  allowed: Record<string, string[]>;
  /** Below 1 a fraction of the rows, from 1 up a count. */
  max_duplicates?: number;
  outliers: PerColumn<OutlierRule>;
  min_rows?: number;
  mode?: Mode;
}

export const GATE_KEYS = ['required', 'types', 'max_missing', 'ranges', 'allowed', 'max_duplicates', 'outliers', 'min_rows', 'mode'] as const;
export type GateKey = (typeof GATE_KEYS)[number];

export function emptySpec(): GateSpec {
  return { required: [], types: {}, max_missing: { columns: {} }, ranges: {}, allowed: {}, outliers: { columns: {} } };
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function mapping(v: unknown, where: string, example: string): Json {
  if (typeof v === 'string' && v.trim().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(v);
      if (isObj(parsed)) return parsed;
    } catch {
      // the message below says what shape is wanted
    }
  }
  if (!isObj(v)) throw new BadInputError(`${where} must be a mapping such as ${example}, got ${JSON.stringify(v)}`);
  return v;
}

function names(v: unknown, where: string): string[] {
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  if (typeof v === 'number' || typeof v === 'boolean') return [String(v)];
  throw new BadInputError(`${where} must be a list such as [a, b], got ${JSON.stringify(v)}`);
}

function number(v: unknown, where: string, min?: number, max?: number): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new BadInputError(`${where} must be a number, got ${JSON.stringify(v)}`);
  if (min !== undefined && n < min) throw new BadInputError(`${where} is ${n}; it must be at least ${min}`);
  if (max !== undefined && n > max) throw new BadInputError(`${where} is ${n}; it must be at most ${max}`);
  return n;
}

function fraction(v: unknown, where: string): number {
  return number(v, where, 0, 1);
}

function outlierRule(v: unknown, where: string): OutlierRule {
  const o = typeof v === 'string' && !v.trim().startsWith('{') ? { method: v } : mapping(v, where, '{ method: iqr, threshold: 1.5, max_fraction: 0.05 }');
  const method = (typeof o.method === 'string' ? o.method : o.method === undefined ? 'iqr' : JSON.stringify(o.method)).toLowerCase();
  if (!(OUTLIER_METHODS as readonly string[]).includes(method)) throw new BadInputError(`${where}.method is "${method}"; use iqr or zscore`);
  const m = method as OutlierRule['method'];
  const threshold = o.threshold === undefined ? (m === 'iqr' ? 1.5 : 3) : number(o.threshold, `${where}.threshold`, 0);
  const maxFraction = o.max_fraction === undefined ? 0.05 : fraction(o.max_fraction, `${where}.max_fraction`);
  return { method: m, threshold, max_fraction: maxFraction };
}

const RULE_KEYS = new Set(['method', 'threshold', 'max_fraction', 'columns']);

/** `{ method, threshold, max_fraction }` for all numeric columns (or those in `columns`), or one rule per column. */
function outliers(v: unknown, where: string): PerColumn<OutlierRule> {
  if (typeof v === 'string' && !v.trim().startsWith('{')) return { all: outlierRule(v, where), columns: {} };
  const o = mapping(v, where, '{ method: iqr, threshold: 1.5, max_fraction: 0.05 } or { income: { method: zscore } }');
  if (Object.keys(o).every((k) => RULE_KEYS.has(k))) {
    const rule = outlierRule({ ...o, columns: undefined }, where);
    if (o.columns === undefined) return { all: rule, columns: {} };
    return { columns: Object.fromEntries(names(o.columns, `${where}.columns`).map((c) => [c, rule])) };
  }
  return { columns: Object.fromEntries(Object.entries(o).map(([c, rule]) => [c, outlierRule(rule, `${where}.${c}`)])) };
}

function maxMissing(v: unknown, where: string): PerColumn<number> {
  if (!isObj(v) && !(typeof v === 'string' && v.trim().startsWith('{'))) return { all: fraction(v, where), columns: {} };
  const o = mapping(v, where, '{ income: 0, "*": 0.1 }');
  const columns = Object.fromEntries(Object.entries(o).map(([c, f]) => [c, fraction(f, `${where}.${c}`)]));
  const all = columns['*'];
  delete columns['*'];
  return all === undefined ? { columns } : { all, columns };
}

function range(v: unknown, where: string): { min?: number; max?: number } {
  let lo: unknown;
  let hi: unknown;
  if (Array.isArray(v)) [lo, hi] = v as unknown[];
  else ({ min: lo, max: hi } = mapping(v, where, '{ min: 0, max: 120 }'));
  const r: { min?: number; max?: number } = {};
  if (lo !== undefined && lo !== null) r.min = number(lo, `${where}.min`);
  if (hi !== undefined && hi !== null) r.max = number(hi, `${where}.max`);
  if (r.min === undefined && r.max === undefined) throw new BadInputError(`${where} needs min, max or both, as { min: 0, max: 120 }`);
  if (r.min !== undefined && r.max !== undefined && r.min > r.max) throw new BadInputError(`${where} has min ${r.min} above max ${r.max}`);
  return r;
}

const perColumn = <T>(v: unknown, where: string, example: string, read: (x: unknown, w: string) => T): Record<string, T> =>
  Object.fromEntries(Object.entries(mapping(v, where, example)).map(([c, x]) => [c, read(x, `${where}.${c}`)]));

/** One gate setting into a (partial) spec; `where` is how the error names the setting. */
export function readGate(spec: GateSpec, key: GateKey, value: unknown, where: string): void {
  switch (key) {
    case 'required':
      spec.required.push(...names(value, where));
      break;
    case 'types':
      Object.assign(spec.types, perColumn(value, where, '{ age: integer, region: category }', columnType));
      break;
    case 'max_missing': {
      const m = maxMissing(value, where);
      if (m.all !== undefined) spec.max_missing.all = m.all;
      Object.assign(spec.max_missing.columns, m.columns);
      break;
    }
    case 'ranges':
      Object.assign(spec.ranges, perColumn(value, where, '{ age: { min: 0, max: 120 } }', range));
      break;
    case 'allowed':
      Object.assign(spec.allowed, perColumn(value, where, '{ region: [north, south] }', names));
      break;
    case 'max_duplicates':
      spec.max_duplicates = number(value, where, 0);
      break;
    case 'outliers': {
      const o = outliers(value, where);
      if (o.all) spec.outliers.all = o.all;
      Object.assign(spec.outliers.columns, o.columns);
      break;
    }
    case 'min_rows':
      spec.min_rows = number(value, where, 0);
      if (!Number.isInteger(spec.min_rows)) throw new BadInputError(`${where} must be a whole number, got ${spec.min_rows}`);
      break;
    case 'mode': {
      const m = String(value).trim().toLowerCase().replace('_', '-');
      if (!(MODES as readonly string[]).includes(m)) throw new BadInputError(`${where} is "${String(value)}"; use ${MODES.join(' or ')}`);
      spec.mode = m as Mode;
      break;
    }
  }
}

/** The file's gates under the arguments': settings merge column by column, the argument winning; required lists add up. */
export function mergeSpecs(file: GateSpec, args: GateSpec): GateSpec {
  return {
    required: [...new Set([...file.required, ...args.required])],
    types: { ...file.types, ...args.types },
    max_missing: { all: args.max_missing.all ?? file.max_missing.all, columns: { ...file.max_missing.columns, ...args.max_missing.columns } },
    ranges: { ...file.ranges, ...args.ranges },
    allowed: { ...file.allowed, ...args.allowed },
    max_duplicates: args.max_duplicates ?? file.max_duplicates,
    outliers: { all: args.outliers.all ?? file.outliers.all, columns: { ...file.outliers.columns, ...args.outliers.columns } },
    min_rows: args.min_rows ?? file.min_rows,
    mode: args.mode ?? file.mode,
  };
}
