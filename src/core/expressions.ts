import { Environment } from '@marcbachmann/cel-js';
import { argmax, argmin, best } from './aggregate.js';
import { ExpressionError, errorMessage } from './errors.js';

/**
 * One expression language for conditions and `${{ }}` substitution: CEL, through cel-js, so user
 * text is parsed and evaluated, never eval'd. Step outputs arrive as JSON numbers (CEL doubles)
 * while literals like `100` are CEL ints; the mixed operators below let `rows + 1` work as a user expects.
 */
const env = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false });
const arithmetic: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
};
for (const [op, fn] of Object.entries(arithmetic)) {
  env.registerOperator(`double ${op} int`, (a: number, b: bigint) => fn(a, Number(b)));
  env.registerOperator(`int ${op} double`, (a: bigint, b: number) => fn(Number(a), b));
}

// Helpers for forEach results: pick the best instance without writing the loop in CEL.
env.registerFunction('argmax(list): int', (l: unknown[]) => BigInt(argmax(l)));
env.registerFunction('argmin(list): int', (l: unknown[]) => BigInt(argmin(l)));
env.registerFunction('best(map, string): map', (m: unknown, metric: string) => best(plainMap(m), metric));
env.registerFunction('best(map, string, bool): map', (m: unknown, metric: string, lower: boolean) => best(plainMap(m), metric, lower));

function plainMap(m: unknown): Record<string, unknown> {
  return m instanceof Map ? (Object.fromEntries(m as Map<string, unknown>)) : (m as Record<string, unknown>);
}

type Compiled = (ctx: Record<string, unknown>) => unknown;
const cache = new Map<string, Compiled>();

export function compile(expression: string): Compiled {
  let fn = cache.get(expression);
  if (!fn) {
    try {
      fn = env.parse(expression) as Compiled;
    } catch (e) {
      throw new ExpressionError(`bad expression "${expression}": ${firstLine(errorMessage(e))}`, 'expressions are CEL, e.g. steps.train.outputs.accuracy > 0.9');
    }
    cache.set(expression, fn);
  }
  return fn;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

/** Plain JS values for the rest of Baton: CEL ints come back as bigint. */
function toPlain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(toPlain);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toPlain(v)]));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  }
  return value;
}

export function evaluate(expression: string, ctx: Record<string, unknown>): unknown {
  const fn = compile(expression);
  try {
    return toPlain(fn(ctx));
  } catch (e) {
    throw new ExpressionError(`cannot evaluate "${expression}": ${explain(errorMessage(e), expression, ctx)}`);
  }
}

export function evaluateCondition(expression: string, ctx: Record<string, unknown>): boolean {
  const value = evaluate(expression, ctx);
  if (typeof value !== 'boolean') throw new ExpressionError(`condition "${expression}" gave ${JSON.stringify(value)}, not true or false`);
  return value;
}

function explain(message: string, expression: string, ctx: Record<string, unknown>): string {
  const key = /No such key: (\S+)/.exec(message)?.[1];
  const steps = ctx.steps as Record<string, { outputs?: Record<string, unknown> }> | undefined;
  // The step whose outputs lack the key, among those the expression reads it from.
  for (const m of expression.matchAll(/steps\.([A-Za-z_]\w*)\.outputs\.([A-Za-z_]\w*)/g)) {
    const [ref, name] = [m[1] ?? '', m[2] ?? ''];
    const outputs = steps?.[ref]?.outputs;
    if (key === name && outputs && !(key in outputs)) {
      const names = Object.keys(outputs);
      return `step ${ref} has no output "${key}" (its outputs: ${names.length ? names.join(', ') : 'none'})`;
    }
  }
  const stored = /\bstore\.([A-Za-z_]\w*)/.exec(expression)?.[1];
  if (key !== undefined && stored === key && !(key in ((ctx.store as Record<string, unknown> | undefined) ?? {}))) {
    return `no stored variable "${key}": set it with \`baton vars set ${key} VALUE\` or export it from a step`;
  }
  return firstLine(message);
}

const TEMPLATE = /\$\{\{([\s\S]*?)\}\}/g;

/** The expressions inside `${{ }}` in a string. */
export function templateExpressions(text: string): string[] {
  return [...text.matchAll(TEMPLATE)].map((m) => (m[1] ?? '').trim());
}

/**
 * Substitutes `${{ expr }}` in one string. A string that is exactly one template keeps the
 * value's type (a number stays a number); otherwise values are joined as text. The result is a
 * single value: one argv element stays one argv element whatever it contains.
 */
export function substitute(text: string, ctx: Record<string, unknown>): unknown {
  const whole = /^\$\{\{([\s\S]*?)\}\}$/.exec(text);
  if (whole && !text.slice(3, -2).includes('${{')) return evaluate((whole[1] ?? '').trim(), ctx);
  return text.replace(TEMPLATE, (_, expr: string) => stringify(evaluate(expr.trim(), ctx)));
}

/** Substitutes through nested args (objects and lists), leaving non-strings as they are. */
export function substituteDeep(value: unknown, ctx: Record<string, unknown>): unknown {
  if (typeof value === 'string') return value.includes('${{') ? substitute(value, ctx) : value;
  if (Array.isArray(value)) return value.map((v) => substituteDeep(v, ctx));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteDeep(v, ctx)]));
  }
  return value;
}

export function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}

/** Every expression in a value: `${{ }}` templates in strings, recursively. */
export function expressionsIn(value: unknown): string[] {
  if (typeof value === 'string') return templateExpressions(value);
  if (Array.isArray(value)) return value.flatMap(expressionsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(expressionsIn);
  return [];
}

/** The step ids an expression reads through `steps.<id>` or `steps["<id>"]`. */
export function referencedSteps(expression: string): string[] {
  const ids = new Set<string>();
  for (const m of expression.matchAll(/\bsteps\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*["']([^"']+)["']\s*\])/g)) ids.add(m[1] ?? m[2] ?? '');
  return [...ids];
}

/** The names an expression reads through `vars.<name>` (or another root, such as params). */
export function referencedVars(expression: string, root = 'vars'): string[] {
  return [...new Set([...expression.matchAll(new RegExp(`\\b${root}\\s*\\.\\s*([A-Za-z_]\\w*)`, 'g'))].map((m) => m[1] ?? ''))];
}
