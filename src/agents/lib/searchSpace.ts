import { BadInputError } from './errors.js';

/**
 * A hyperparameter search space: ints and floats (optionally on a log scale) and categoricals.
 * Numeric values map to [0, 1] (log dims in log space) and categoricals to one-hot, which is the
 * view the Gaussian process works in; every sample is a real, valid configuration.
 */
export type Value = number | string | boolean;
export type ParamSpec = { type: 'int' | 'float'; min: number; max: number; log: boolean } | { type: 'categorical'; values: Value[] };
export type Space = Record<string, ParamSpec>;
export type Params = Record<string, Value>;

const SPEC_KEYS = ['type', 'min', 'max', 'log', 'values'];
const INT_NAMES = ['int', 'integer'];
const FLOAT_NAMES = ['float', 'number', 'real', 'double'];
const EXAMPLE = 'such as {"type": "int", "min": 2, "max": 10}, {"type": "float", "min": 0.001, "max": 1, "log": true}, {"values": [...]} or a list';

function bad(name: string, text: string): never {
  throw new BadInputError(`space.${name} ${text}`);
}

function isValue(v: unknown): v is Value {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

function categorical(name: string, values: unknown[]): ParamSpec {
  if (values.length === 0) bad(name, 'lists no values; give at least one');
  const bad1 = values.find((v) => !isValue(v));
  if (bad1 !== undefined) bad(name, `has the value ${JSON.stringify(bad1)}; values must be numbers, text or true/false`);
  return { type: 'categorical', values: [...new Map(values.map((v) => [JSON.stringify(v), v as Value])).values()] };
}

/** One parameter's spec; a list (or a single value) is categorical, as older plans wrote it. */
export function parseSpec(name: string, raw: unknown): ParamSpec {
  if (Array.isArray(raw)) return categorical(name, raw);
  if (isValue(raw)) return categorical(name, [raw]);
  if (!raw || typeof raw !== 'object') bad(name, `must be a range or a list of values, ${EXAMPLE}; got ${JSON.stringify(raw)}`);
  const spec = raw as Record<string, unknown>;
  const unknown = Object.keys(spec).find((k) => !SPEC_KEYS.includes(k));
  if (unknown !== undefined) bad(name, `has an unknown key "${unknown}"; use ${SPEC_KEYS.join(', ')}`);
  if (spec.values !== undefined) {
    if (!Array.isArray(spec.values)) bad(name, 'values must be a list');
    if (spec.type !== undefined && spec.type !== 'categorical') bad(name, 'gives values, so its type can only be categorical');
    return categorical(name, spec.values);
  }
  const { min, max } = spec;
  if (typeof min !== 'number' || !Number.isFinite(min) || typeof max !== 'number' || !Number.isFinite(max)) {
    bad(name, `needs numeric min and max (or values), ${EXAMPLE}`);
  }
  const typeName = spec.type === undefined ? (Number.isInteger(min) && Number.isInteger(max) ? 'int' : 'float') : typeof spec.type === 'string' ? spec.type.toLowerCase() : JSON.stringify(spec.type);
  const isInt = INT_NAMES.includes(typeName);
  if (!isInt && !FLOAT_NAMES.includes(typeName)) bad(name, `has type ${JSON.stringify(spec.type)}; use int, float or give values`);
  if (spec.log !== undefined && typeof spec.log !== 'boolean') bad(name, 'log must be true or false');
  const log = spec.log === true;
  if (isInt && !(Number.isInteger(min) && Number.isInteger(max))) bad(name, `is an int range, so min and max must be whole numbers (got ${min} and ${max})`);
  if (isInt ? min > max : min >= max) bad(name, `has min ${min} and max ${max}; min must be ${isInt ? 'at most' : 'below'} max`);
  if (log && min <= 0) bad(name, `is on a log scale, so min must be above 0 (got ${min})`);
  return { type: isInt ? 'int' : 'float', min, max, log };
}

export function parseSpace(raw: Record<string, unknown>): Space {
  const names = Object.keys(raw);
  if (names.length === 0) throw new BadInputError('space is empty; give at least one parameter, such as {"max_depth": {"type": "int", "min": 2, "max": 10}}');
  return Object.fromEntries(names.map((n) => [n, parseSpec(n, raw[n])]));
}

/** The numeric interval a dim lives on before scaling to [0, 1]; ints get half a step each side. */
function bounds(spec: ParamSpec & { type: 'int' | 'float' }): [number, number] {
  const [lo, hi] = spec.type === 'int' ? [spec.min - 0.5, spec.max + 0.5] : [spec.min, spec.max];
  return spec.log ? [Math.log(Math.max(lo, spec.min / 2)), Math.log(hi)] : [lo, hi];
}

export function toUnit(spec: ParamSpec, value: Value): number {
  if (spec.type === 'categorical') return 0;
  const [lo, hi] = bounds(spec);
  const x = spec.log ? Math.log(Number(value)) : Number(value);
  return hi > lo ? Math.min(1, Math.max(0, (x - lo) / (hi - lo))) : 0.5;
}

export function fromUnit(spec: ParamSpec & { type: 'int' | 'float' }, u: number): number {
  const [lo, hi] = bounds(spec);
  const x = lo + Math.min(1, Math.max(0, u)) * (hi - lo);
  const v = spec.log ? Math.exp(x) : x;
  const clamped = Math.min(spec.max, Math.max(spec.min, spec.type === 'int' ? Math.round(v) : v));
  return spec.type === 'int' ? clamped : Number(clamped.toPrecision(6));
}

export function sampleSpec(spec: ParamSpec, rand: () => number): Value {
  if (spec.type === 'categorical') return spec.values[Math.floor(rand() * spec.values.length)] as Value;
  return fromUnit(spec, rand());
}

export function sample(space: Space, rand: () => number): Params {
  return Object.fromEntries(Object.entries(space).map(([n, spec]) => [n, sampleSpec(spec, rand)]));
}

/** The GP's input: [0, 1] per numeric dim, one-hot per categorical with more than one value. */
export function encode(space: Space, params: Params): number[] {
  const out: number[] = [];
  for (const [name, spec] of Object.entries(space)) {
    const v = params[name] as Value;
    if (spec.type !== 'categorical') out.push(toUnit(spec, v));
    else if (spec.values.length > 1) for (const c of spec.values) out.push(c === v ? 1 : 0);
  }
  return out;
}

/** A stable identity for a configuration, to avoid trying one twice. */
export function paramsKey(space: Space, params: Params): string {
  return JSON.stringify(Object.keys(space).map((n) => params[n]));
}

/** Distinct configurations in the space: Infinity when a float dim is in it. */
export function spaceSize(space: Space): number {
  return Object.values(space).reduce((n, s) => n * (s.type === 'categorical' ? s.values.length : s.type === 'int' ? s.max - s.min + 1 : Infinity), 1);
}

/** Grid levels of one dim: every value of a short int range, else evenly spaced (log if log). */
export function levels(spec: ParamSpec, full = false): Value[] {
  if (spec.type === 'categorical') return spec.values;
  const count = spec.max - spec.min + 1;
  if (spec.type === 'int' && (full || count <= 10)) return Array.from({ length: count }, (_, i) => spec.min + i);
  const n = spec.type === 'int' ? 6 : 5;
  const [lo, hi] = spec.log ? [Math.log(spec.min), Math.log(spec.max)] : [spec.min, spec.max];
  const raw = Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1)).map((x) => (spec.log ? Math.exp(x) : x));
  const vals = raw.map((v) => (spec.type === 'int' ? Math.round(v) : Number(v.toPrecision(6))));
  return [...new Set(vals)];
}

export function gridSize(space: Space, full = false): number {
  return Object.values(space).reduce((n, s) => n * levels(s, full).length, 1);
}

/** Every grid point, first parameter outermost. */
export function enumerateGrid(space: Space, full = false): Params[] {
  return Object.entries(space).reduce<Params[]>((combos, [name, spec]) => combos.flatMap((c) => levels(spec, full).map((v) => ({ ...c, [name]: v }))), [{}]);
}

/** `n` distinct grid points drawn with the seeded `rand`, without enumerating a huge grid. */
export function sampleGrid(space: Space, n: number, rand: () => number): Params[] {
  const dims = Object.entries(space).map(([name, spec]) => [name, levels(spec)] as const);
  const seen = new Set<string>();
  const out: Params[] = [];
  for (let attempt = 0; out.length < n && attempt < n * 50; attempt++) {
    const p: Params = Object.fromEntries(dims.map(([name, vals]) => [name, vals[Math.floor(rand() * vals.length)] as Value]));
    const k = paramsKey(space, p);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(p);
    }
  }
  return out;
}
