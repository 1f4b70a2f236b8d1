import { isAbsolute, resolve } from 'node:path';
import { BadInputError } from './errors.js';
import type { Args } from './protocol.js';

/**
 * Typed reads of step arguments. The engine has usually checked them against the command file
 * already; standalone runs have not, so every getter validates and names the argument it rejects.
 */
function present(args: Args, name: string): boolean {
  return args[name] !== undefined && args[name] !== null && args[name] !== '';
}

export function str(args: Args, name: string, fallback: string): string;
export function str(args: Args, name: string): string | undefined;
export function str(args: Args, name: string, fallback?: string): string | undefined {
  if (!present(args, name)) return fallback;
  const v = args[name];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new BadInputError(`argument ${name} must be text, got ${JSON.stringify(v)}`);
}

export function requiredStr(args: Args, name: string, what: string): string {
  const v = str(args, name);
  if (v === undefined) throw new BadInputError(`argument ${name} is required: ${what}`);
  return v;
}

export function oneOf<T extends string>(args: Args, name: string, choices: readonly T[], fallback: T): T {
  const v = str(args, name, fallback);
  if (!(choices as readonly string[]).includes(v)) {
    throw new BadInputError(`argument ${name} is "${v}"; choose one of ${choices.join(', ')}`);
  }
  return v as T;
}

interface Range {
  min?: number;
  max?: number;
  integer?: boolean;
}

export function num(args: Args, name: string, fallback: number, range?: Range): number;
export function num(args: Args, name: string, fallback: undefined, range?: Range): number | undefined;
export function num(args: Args, name: string, fallback: number | undefined, range: Range = {}): number | undefined {
  if (!present(args, name)) return fallback;
  const raw = args[name];
  const v = typeof raw === 'string' ? Number(raw.trim()) : raw;
  const kind = range.integer ? 'a whole number' : 'a number';
  if (typeof v !== 'number' || !Number.isFinite(v) || (range.integer && !Number.isInteger(v))) {
    throw new BadInputError(`argument ${name} must be ${kind}, got ${JSON.stringify(raw)}`);
  }
  if (range.min !== undefined && v < range.min) throw new BadInputError(`argument ${name} is ${v}; it must be at least ${range.min}`);
  if (range.max !== undefined && v > range.max) throw new BadInputError(`argument ${name} is ${v}; it must be at most ${range.max}`);
  return v;
}

export function int(args: Args, name: string, fallback: number, range?: Omit<Range, 'integer'>): number;
export function int(args: Args, name: string, fallback: undefined, range?: Omit<Range, 'integer'>): number | undefined;
export function int(args: Args, name: string, fallback: number | undefined, range: Omit<Range, 'integer'> = {}): number | undefined {
  return fallback === undefined ? num(args, name, undefined, { ...range, integer: true }) : num(args, name, fallback, { ...range, integer: true });
}

export function bool(args: Args, name: string, fallback: boolean): boolean {
  if (!present(args, name)) return fallback;
  const v = args[name];
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'yes' || v === 1) return true;
  if (v === 'false' || v === 'no' || v === 0) return false;
  throw new BadInputError(`argument ${name} must be true or false, got ${JSON.stringify(v)}`);
}

/** A list, or a comma-separated string as typed on a command line. */
export function list(args: Args, name: string, fallback: string[]): string[] {
  if (!present(args, name)) return fallback;
  const v = args[name];
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
  if (typeof v === 'string') return v.split(',').map((s) => s.trim()).filter(Boolean);
  throw new BadInputError(`argument ${name} must be a list, got ${JSON.stringify(v)}`);
}

export function obj(args: Args, name: string): Record<string, unknown> | undefined {
  if (!present(args, name)) return undefined;
  const v = args[name];
  if (typeof v === 'string') {
    try {
      const parsed: unknown = JSON.parse(v);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // fall through to the message below
    }
  } else if (v && typeof v === 'object' && !Array.isArray(v)) {
    return v as Record<string, unknown>;
  }
  throw new BadInputError(`argument ${name} must be an object such as {"max_depth": 5}, got ${JSON.stringify(v)}`);
}

/** Relative paths mean "beside the plan" (the current folder when run by hand). */
export function absolute(path: string, baseDir: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}
