import { z } from 'zod';
import { parseDuration } from './duration.js';
import { ValidationError } from './errors.js';
import { ERROR_CLASSES, type ErrorRule } from './failure.js';
import type { ArgSpec } from './command.js';
import type { Remedy } from './remedy.js';
import { plainDataProblem } from './plainData.js';
import { RETRY_ON_DEFAULT, SEVERITIES, STEP_ID, type Fallback, type Plan, type PlanStep, type RetryPolicy } from './plan.js';
import { MAX_HINTS, didYouMean, shown } from './similar.js';

export const durationInput = z.union([z.string(), z.number().nonnegative()]);
const scalar = z.union([z.string(), z.number(), z.boolean()]);

const errorClass = z.enum(ERROR_CLASSES);

/** A typed argument or parameter, as command files and templates declare them. */
export const argSpecInput = z
  .strictObject({
    type: z.enum(['string', 'path', 'integer', 'number', 'boolean', 'list', 'object', 'any']).default('string'),
    description: z.string().optional(),
    default: z.unknown().optional(),
    required: z.boolean().default(false),
    min: z.number().optional(),
    max: z.number().optional(),
    enum: z.array(z.string()).optional(),
  })
  .transform((spec): ArgSpec => Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)) as unknown as ArgSpec);

export const retryInput = z.union([
  z.number().int().min(1).max(100),
  z.strictObject({
    attempts: z.number().int().min(1).max(100),
    backoff: z.enum(['exponential', 'fixed']).default('exponential'),
    initial: durationInput.default('1s'),
    max: durationInput.default('60s'),
    jitter: z.boolean().default(false),
    on: z.array(errorClass).default(RETRY_ON_DEFAULT),
  }),
]);

export const errorRuleInput = z
  .strictObject({
    class: errorClass,
    exitCodes: z.union([z.number().int(), z.array(z.number().int())]).optional(),
    pattern: z
      .string()
      .min(1)
      .refine((p) => {
        try {
          new RegExp(p, 'i');
          return true;
        } catch {
          return false;
        }
      }, 'is not a valid regular expression')
      .optional(),
    reason: z.string().optional(),
  })
  .refine((r) => r.exitCodes !== undefined || r.pattern !== undefined, 'a rule needs exitCodes or pattern')
  .transform((r): ErrorRule => {
    const rule: ErrorRule = { class: r.class };
    if (r.exitCodes !== undefined) rule.exitCodes = typeof r.exitCodes === 'number' ? [r.exitCodes] : r.exitCodes;
    if (r.pattern !== undefined) rule.pattern = r.pattern;
    if (r.reason !== undefined) rule.reason = r.reason;
    return rule;
  });

export const remedyInput = z
  .strictObject({
    name: z.string().min(1),
    class: errorClass.optional(),
    pattern: z.string().min(1).optional(),
    timedOut: z.boolean().optional(),
    halve: z.array(z.string()).optional(),
    timeoutFactor: z.number().positive().optional(),
    suggest: z.string().optional(),
  })
  .refine((r) => r.halve !== undefined || r.timeoutFactor !== undefined || r.suggest !== undefined, 'a remedy needs halve, timeoutFactor or suggest')
  .transform((r): Remedy => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as unknown as Remedy);

const argvInput = z
  .array(scalar.transform(String), { error: 'run takes an argv list such as [node, prep.js, --rows, "10"]; a shell string is never run' })
  .min(1);

/** Another way to do a step's work: a command name, `{ command, args }` or `{ run }` (fallbacks and undo). */
const alternativeInput = z.union([
  z.string().min(1).transform((command): Fallback => ({ command, args: {} })),
  z
    .strictObject({ command: z.string().min(1).optional(), run: argvInput.optional(), args: z.record(z.string(), z.unknown()).default({}) })
    .refine((f) => (f.command === undefined) !== (f.run === undefined), 'give exactly one of command or run')
    .transform((f): Fallback => {
      const out: Fallback = { args: f.args };
      if (f.command !== undefined) out.command = f.command;
      if (f.run !== undefined) out.run = f.run;
      return out;
    }),
]);

const STEP_FIELDS = {
  id: z.string().regex(STEP_ID, 'must be letters, digits and _, starting with a letter (it is used as steps.<id> in expressions)'),
  description: z.string().optional(),
  command: z.string().min(1).optional(),
  run: argvInput.optional(),
  args: z.record(z.string(), z.unknown()).default({}),
  needs: z.union([z.string(), z.array(z.string())]).default([]),
  if: z.union([z.string().min(1), z.boolean()]).optional(),
  retry: retryInput.optional(),
  timeout: durationInput.optional(),
  resources: z.union([z.string(), z.array(z.string())]).default([]),
  agent: z.string().optional(),
  env: z.record(z.string(), scalar.transform(String)).default({}),
  priority: z.number().int().default(0),
  continueOnError: z.boolean().default(false),
  fallback: alternativeInput.optional(),
  errors: z.array(errorRuleInput).default([]),
  else: z.union([z.string(), z.array(z.string())]).default([]),
  forEach: z.union([z.array(z.unknown()).min(1, 'forEach needs at least one item'), z.string().regex(/^\s*\$\{\{[\s\S]*\}\}\s*$/, 'forEach takes a list, or one ${{ }} expression that gives a list')]).optional(),
  until: z.string().min(1).optional(),
  maxIterations: z.number().int().min(1).max(10_000).default(5),
  export: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'variable names are letters, digits and _'), z.unknown()).default({}),
  uses: z.string().min(1).optional(),
  with: z.record(z.string(), z.unknown()).default({}),
  checkpoint: z.boolean().default(false),
  undo: alternativeInput.optional(),
  severity: z.enum(SEVERITIES).optional(),
};

const stepInput = z.strictObject(STEP_FIELDS);

/**
 * More steps than any plan a person writes (the scheduler benchmark runs 500); past it, checking a
 * plan stops being a matter of moments (see dependencyCheck in dag.ts).
 */
export const MAX_STEPS = 10_000;

const planInput = z.strictObject({
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  vars: z.record(z.string(), z.unknown()).default({}),
  env: z.record(z.string(), scalar.transform(String)).default({}),
  resources: z.record(z.string(), z.number().int().min(1)).default({}),
  params: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'parameter names are letters, digits and _'), argSpecInput).default({}),
  outputs: z.record(z.string(), z.unknown()).default({}),
  requests: z.array(z.string().min(3)).optional(),
  steps: z.array(z.unknown()).min(1, 'a plan needs at least one step').max(MAX_STEPS, `a plan has at most ${MAX_STEPS.toLocaleString('en-US')} steps; a forEach step runs one step over many items`),
});

const KNOWN_STEP_FIELDS = Object.keys(STEP_FIELDS);

export function toRetry(input: z.infer<typeof retryInput>, where: string): RetryPolicy {
  if (typeof input === 'number') return { attempts: input, backoff: 'exponential', initialMs: 1000, maxMs: 60_000, jitter: false, on: RETRY_ON_DEFAULT };
  return {
    attempts: input.attempts,
    backoff: input.backoff,
    initialMs: parseDuration(input.initial, `${where}.retry.initial`),
    maxMs: parseDuration(input.max, `${where}.retry.max`),
    jitter: input.jitter,
    on: input.on,
  };
}

function list(value: string | string[]): string[] {
  return typeof value === 'string' ? [value] : value;
}

function formatIssues(issues: readonly z.core.$ZodIssue[], prefix: string, known: string[], problems: string[]): void {
  for (const issue of issues) {
    const path = issue.path.map((p) => (typeof p === 'string' && p.length > 40 ? `${p.slice(0, 40)}…` : String(p))).join('.');
    const where = path ? `${prefix}${prefix ? '.' : ''}${path}` : prefix || 'plan';
    if (issue.code !== 'unrecognized_keys') {
      problems.push(`${where}: ${issue.message}`);
      continue;
    }
    for (const key of issue.keys) {
      const hint = problems.length < MAX_HINTS ? didYouMean(key, known) : undefined;
      problems.push(`${where}: unknown field ${shown(key)}${hint ? ` (${hint})` : ''}`);
    }
  }
}

function stepLabel(raw: unknown, index: number): string {
  const id = typeof raw === 'object' && raw !== null && 'id' in raw ? (raw).id : undefined;
  return typeof id === 'string' ? `step ${shown(id)}` : `steps[${index}]`;
}

/**
 * Validates untrusted plan data (parsed YAML or JSON) and returns the plan. Every problem is
 * collected, each naming the step and the field, so a user fixes a file in one pass.
 */
export function parsePlan(raw: unknown, source: string, defaultName = 'plan'): Plan {
  const problems: string[] = [];
  const odd = plainDataProblem(raw, 'plan');
  if (odd) throw planError(source, [odd]);
  const top = planInput.safeParse(raw);
  if (!top.success) {
    formatIssues(top.error.issues, '', Object.keys(planInput.shape), problems);
    throw planError(source, problems);
  }
  const steps: PlanStep[] = [];
  top.data.steps.forEach((rawStep, index) => {
    const label = stepLabel(rawStep, index);
    const parsed = stepInput.safeParse(rawStep);
    if (!parsed.success) {
      formatIssues(parsed.error.issues, label, KNOWN_STEP_FIELDS, problems);
      return;
    }
    const s = parsed.data;
    const kinds = [s.command, s.run, s.uses].filter((k) => k !== undefined).length;
    if (kinds !== 1) {
      problems.push(`${label}: give exactly one of "command" (a registered command), "run" (an argv list) or "uses" (a workflow template)`);
      return;
    }
    if (Object.keys(s.with).length > 0 && s.uses === undefined) {
      problems.push(`${label}: "with" gives a template's parameters; it goes with "uses"`);
      return;
    }
    try {
      const step: PlanStep = {
        id: s.id,
        args: s.args,
        needs: list(s.needs),
        resources: list(s.resources),
        env: s.env,
        priority: s.priority,
        continueOnError: s.continueOnError,
        errors: s.errors,
        else: list(s.else),
        maxIterations: s.maxIterations,
        export: s.export,
        with: s.with,
        checkpoint: s.checkpoint,
      };
      if (s.uses !== undefined) step.uses = s.uses;
      if (s.undo !== undefined) step.undo = s.undo;
      if (s.severity !== undefined) step.severity = s.severity;
      if (s.forEach !== undefined) step.forEach = s.forEach;
      if (s.until !== undefined) step.until = s.until;
      if (s.fallback !== undefined) step.fallback = s.fallback;
      if (s.description !== undefined) step.description = s.description;
      if (s.command !== undefined) step.command = s.command;
      if (s.run !== undefined) step.run = s.run;
      if (s.if !== undefined) step.if = String(s.if);
      if (s.retry !== undefined) step.retry = toRetry(s.retry, label);
      if (s.timeout !== undefined) step.timeoutMs = parseDuration(s.timeout, `${label}.timeout`);
      if (s.agent !== undefined) step.agent = s.agent;
      steps.push(step);
    } catch (e) {
      problems.push(e instanceof Error ? e.message : String(e));
    }
  });
  if (problems.length > 0) throw planError(source, problems);
  const plan: Plan = {
    name: top.data.name ?? defaultName,
    vars: top.data.vars,
    env: top.data.env,
    resources: top.data.resources,
    params: top.data.params,
    outputs: top.data.outputs,
    steps,
  };
  if (top.data.description !== undefined) plan.description = top.data.description;
  if (top.data.requests !== undefined) plan.requests = top.data.requests;
  return plan;
}

export function planError(source: string, problems: string[]): ValidationError {
  const first = problems[0] ?? 'invalid plan';
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return new ValidationError(`${source}: ${first}${more}`, problems, 'fix the plan file and run again');
}
