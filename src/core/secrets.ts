import { expressionsIn, referencedVars } from './expressions.js';
import type { PlanStep } from './plan.js';

/**
 * `${{ secrets.NAME }}`: a value from baton's environment or the project's secrets file, given to
 * the steps that name it and to nothing else. It is never part of a plan (plans keep the
 * expression), and wherever a step could echo it back (its log, its outputs, its messages and so
 * every event in SQLite) it is written as `***`.
 */
export const MASK = '***';

/** Fields where a secret may be read: those that become a process's argv, environment or a condition. */
function secretFields(step: PlanStep): unknown[] {
  return [step.args, step.run ?? [], step.env, step.fallback?.args ?? {}, step.fallback?.run ?? [], step.undo?.args ?? {}, step.undo?.run ?? []];
}

/**
 * Fields whose values are recorded as they are (template parameters, loop items, exports, loop
 * conditions): a secret there would be stored, or reach other steps masked, so it is refused.
 */
function recordedFields(step: PlanStep): [string, unknown][] {
  return [
    ['with', step.with],
    ['forEach', typeof step.forEach === 'string' ? step.forEach : []],
    ['export', step.export],
    ['until', step.until !== undefined ? `\${{ ${step.until} }}` : ''],
  ];
}

/** The secret names an expression reads. */
export function secretNames(expression: string): string[] {
  return referencedVars(expression, 'secrets');
}

/** Every secret a step's processes read, in the order first named. */
export function stepSecrets(step: PlanStep): string[] {
  const names = new Set<string>();
  const expressions = [...(step.if !== undefined ? [step.if] : []), ...secretFields(step).flatMap(expressionsIn)];
  for (const e of expressions) for (const name of secretNames(e)) names.add(name);
  return [...names];
}

/** Every secret a plan's steps read (the plan's own `env` included). */
export function planSecrets(plan: { env: Record<string, string>; steps: readonly PlanStep[] }): string[] {
  const names = new Set<string>();
  for (const e of expressionsIn(plan.env)) for (const name of secretNames(e)) names.add(name);
  for (const step of plan.steps) for (const name of stepSecrets(step)) names.add(name);
  return [...names];
}

/** Plan-check problems: secrets read as a whole, or where their value would be recorded. */
export function secretProblems(step: PlanStep): string[] {
  const where = `step "${step.id}"`;
  const problems: string[] = [];
  for (const [field, value] of recordedFields(step)) {
    if (expressionsIn(value).some((e) => /\bsecrets\b/.test(e))) {
      problems.push(`${where}: ${field} cannot read secrets (its value is recorded); read \${{ secrets.NAME }} in args, run or env of the steps that need it`);
    }
  }
  const all = [...(step.if !== undefined ? [step.if] : []), ...secretFields(step).flatMap(expressionsIn)];
  for (const e of all) {
    // `secrets` alone, or `secrets[...]`: every secret at once would reach the step.
    if (/\bsecrets\b(?!\s*\.\s*[A-Za-z_])/.test(e)) problems.push(`${where}: "${e}" reads all secrets; name one, as secrets.NAME`);
  }
  return problems;
}

/**
 * Replaces every secret value in text with `***`. Longest first, so a secret that contains
 * another is masked whole. Empty values mask nothing (they would match everywhere).
 */
export class Masker {
  private readonly values: string[];

  constructor(values: Iterable<string>) {
    this.values = [...new Set(values)].filter((v) => v.length > 0).sort((a, b) => b.length - a.length);
  }

  get active(): boolean {
    return this.values.length > 0;
  }

  /** The values, for a filter outside this process (a step's log). */
  get secrets(): readonly string[] {
    return this.values;
  }

  text(text: string): string {
    let out = text;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join(MASK);
    return out;
  }

  /** The same value with every string inside it masked (keys included); other values as they are. */
  deep<T>(value: T): T {
    if (!this.active) return value;
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.text(k), this.walk(v)]));
    }
    return value;
  }
}
