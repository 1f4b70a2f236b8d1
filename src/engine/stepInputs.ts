import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { coerceArg } from '../core/command.js';
import { BatonError } from '../core/errors.js';
import { stringify, substitute, substituteDeep } from '../core/expressions.js';
import type { ResolvedPlan, ResolvedStep } from '../core/planCheck.js';
import type { RunState } from '../core/runState.js';
import { packageRoot } from '../registry/paths.js';

/** The process a step becomes: argv and environment, with every `${{ }}` already evaluated. */
export interface StepProcess {
  argv: string[];
  env: Record<string, string>;
  args: Record<string, unknown>;
}

/** A step that cannot start because of its own inputs: retrying would not help. */
export class StepInputError extends BatonError {}

// The built step programs; found from the package root so the bundled CLI finds them too.
const AGENTS_MAIN = join(packageRoot(), 'dist', 'src', 'agents', 'main.js');

export interface ContextInput {
  plan: ResolvedPlan;
  state: RunState;
  workspace: string;
  env: Record<string, string>;
  /** Cross-workflow variables (`store.<name>`). */
  store: Record<string, unknown>;
  /** `secrets.<name>`: the values of the secrets the plan reads. */
  secrets?: Record<string, string>;
  /** Names only some steps have: `item` and `index` in a forEach, `iteration` and `previous` in an until loop. */
  scope?: Record<string, unknown>;
  /** For a step of a nested workflow: its siblings' prefix, and the workflow's own vars and params. */
  group?: { prefix: string; vars: Record<string, unknown>; params: Record<string, unknown> };
}

/**
 * The context one step's expressions see: the run's, plus its nested workflow's names
 * and its loop's (`item`/`index` in a forEach, `iteration`/`previous` in an until loop).
 */
export function stepContext(base: Omit<ContextInput, 'scope' | 'group'>, step: ResolvedStep | undefined, stepById: (id: string) => ResolvedStep | undefined): ContextInput {
  const input: ContextInput = { ...base };
  const group = step?.scope && stepById(step.scope.group);
  if (group?.template) input.group = { prefix: `${group.id}.`, vars: group.template.vars, params: base.state.steps[group.id]?.params ?? {} };
  if (step?.loop) input.scope = { item: step.loop.item, index: step.loop.index };
  if (step?.until !== undefined) {
    const s = base.state.steps[step.id];
    input.scope = { iteration: (s?.iteration ?? 0) + 1, previous: s?.outputs ?? {} };
  }
  return input;
}

/** A plan's own parameters take their defaults. */
function paramDefaults(plan: ResolvedPlan): Record<string, unknown> {
  return Object.fromEntries(Object.entries(plan.params).map(([k, spec]) => [k, spec.default ?? null]));
}

/** What expressions can read: vars, steps.<id>.outputs/status, env (the allowlisted part), store and run. */
export function expressionContext(input: ContextInput, args: Record<string, unknown> = {}): Record<string, unknown> {
  // A workflow sees its own steps by their own ids: the top level its own, a nested one its siblings.
  const prefix = input.group?.prefix ?? '';
  const steps: Record<string, { outputs: Record<string, unknown>; status: string }> = {};
  for (const id of input.state.order) {
    const s = input.state.steps[id];
    if (!s || s.loop || !id.startsWith(prefix)) continue;
    const local = id.slice(prefix.length);
    if (!local.includes('.')) steps[local] = { outputs: s.outputs, status: s.status };
  }
  return {
    ...input.scope,
    vars: input.group?.vars ?? input.plan.vars,
    params: input.group?.params ?? paramDefaults(input.plan),
    args,
    steps,
    env: input.env,
    store: input.store,
    secrets: input.secrets ?? {},
    run: { id: input.state.id, name: input.state.name, workspace: input.workspace },
  };
}

/** Relative paths in a plan mean "beside the plan file", since every step runs in its own folder. */
function resolvePathArg(value: string, baseDir: string): string {
  if (isAbsolute(value) || value.includes('://')) return value;
  const bareName = !value.includes('/') && !value.includes('.');
  return bareName ? value : resolve(baseDir, value);
}

function resolveArgvPath(value: string, baseDir: string, first: boolean): string {
  if (isAbsolute(value) || value.startsWith('-') || value.includes('://')) return value;
  const looksLikePath = value.includes('/') || (!first && /\.[A-Za-z0-9]+$/.test(value));
  return looksLikePath && existsSync(join(baseDir, value)) ? resolve(baseDir, value) : value;
}

export function buildStepProcess(step: ResolvedStep, input: ContextInput, baseDir: string, baseEnv: Record<string, string>): StepProcess {
  const ctx = expressionContext(input);
  const args: Record<string, unknown> = {};
  const rawArgs = substituteDeep(step.args, ctx) as Record<string, unknown>;
  for (const [name, value] of Object.entries(rawArgs)) {
    const spec = step.def?.args[name];
    if (!spec) {
      args[name] = value;
      continue;
    }
    const checked = coerceArg(name, spec, value);
    if ('problem' in checked) throw new StepInputError(`step ${step.id}: ${checked.problem}`);
    args[name] = spec.type === 'path' && typeof checked.value === 'string' ? resolvePathArg(checked.value, baseDir) : checked.value;
  }
  const withArgs = expressionContext(input, args);
  const env: Record<string, string> = { ...baseEnv };
  for (const [k, v] of Object.entries({ ...input.plan.env, ...step.env })) env[k] = stringify(substitute(v, withArgs));

  let argv: string[];
  if (step.run) {
    argv = step.run.map((a, i) => resolveArgvPath(stringify(substitute(a, withArgs)), baseDir, i === 0));
  } else if (step.def && 'builtin' in step.def.run) {
    argv = [process.execPath, AGENTS_MAIN, step.def.run.builtin];
    env.BATON_ARGS = JSON.stringify(args);
  } else if (step.def && 'argv' in step.def.run) {
    argv = step.def.run.argv.map((a) => stringify(substitute(a, withArgs)));
    env.BATON_ARGS = JSON.stringify(args);
  } else {
    throw new StepInputError(`step ${step.id} has nothing to run`);
  }
  return { argv, env, args };
}

/** The part of baton's own environment that steps may see. */
export function allowedEnv(source: NodeJS.ProcessEnv, allow: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of allow) {
    const value = source[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
