import { BUILTIN_RULES, type ErrorClass, type ErrorRule } from '../core/failure.js';
import { stringify } from '../core/expressions.js';
import type { ResolvedStep } from '../core/planCheck.js';
import type { RetryPolicy } from '../core/plan.js';
import { argoDeep, type ExprScope } from './argoExpressions.js';
import { fieldName, parameterName } from './argoNames.js';

/**
 * One step as an Argo container template. The contract with the image: it has baton installed and
 * the plan's folder as its working directory; `baton step COMMAND` runs a registered command with
 * its arguments from `BATON_ARG_<name>` variables, `baton step exec -- PROGRAM ARGS...` a `run:`
 * step, and both write each output to /tmp/baton/outputs/<name>, where Argo reads it. Steps share
 * files through the `workspace` volume, as they share the run's workspace folder in Baton.
 */
export const OUTPUTS_DIR = '/tmp/baton/outputs';
export const WORKSPACE = '/workspace';
export const WORKSPACE_VOLUME = 'workspace';
/** The ConfigMap that holds the sizes of resources more than one step may hold at once. */
export const SEMAPHORE_CONFIGMAP = 'baton-resources';
/** The parameter carrying the Baton step id; no argument or template parameter can be called this (they have no `-`). */
export const STEP_PARAM = 'baton-step';

export type Obj = Record<string, unknown>;
export interface Parameter {
  name: string;
  value?: string;
  default?: string;
  valueFrom?: Obj;
}

export interface ContainerContext {
  image: string;
  planEnv: Readonly<Record<string, string>>;
  /** How many holders each resource has (the config's sizes over the plan's). */
  resources: Readonly<Record<string, number>>;
  /** The config's error rules, between the command's and the built-in ones. */
  errorRules: readonly ErrorRule[];
  /** The config's timeout for steps that set none. */
  defaultTimeoutMs: number | undefined;
  /** Output names other steps read from this one. */
  outputsRead: ReadonlySet<string>;
  /** A forEach task: every instance needs a step id of its own (it names the artifacts folder). */
  loop: boolean;
  /** The step's Baton id as the task passes it (a nested DAG's steps get theirs from the DAG's input). */
  stepId: string;
  note(kind: 'not expressible' | 'approximated', text: string): void;
}

export interface StepTemplate {
  /** The template without its name: identical bodies are one template. */
  body: Obj;
  baseName: string;
  /** What the task passes to it. */
  arguments: Parameter[];
}

/** Go's duration syntax, which Argo's backoff reads. */
function goDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * Baton decides a retry by the failure's class; Argo by an expression over the exit code. Exit-code
 * rules translate exactly (first match wins, as in Baton); log patterns cannot.
 */
function retryStrategy(step: ResolvedStep, retry: RetryPolicy, rules: readonly ErrorRule[], ctx: ContainerContext): Obj | undefined {
  if (retry.attempts <= 1) return undefined;
  const classOf = new Map<number, ErrorClass>();
  for (const rule of rules) {
    if (rule.pattern !== undefined) continue;
    for (const code of rule.exitCodes ?? []) if (!classOf.has(code)) classOf.set(code, rule.class);
  }
  const retried = (c: ErrorClass) => retry.on.includes(c);
  // Failures no rule names (and timeouts) are transient in Baton.
  const byDefault = retried('transient');
  const listed = [...classOf].filter(([, c]) => retried(c) !== byDefault).map(([code]) => code).sort((a, b) => a - b);
  const strategy: Obj = {
    limit: String(retry.attempts - 1),
    retryPolicy: byDefault ? 'Always' : 'OnFailure',
    backoff: { duration: goDuration(retry.initialMs), factor: retry.backoff === 'fixed' ? '1' : '2', cap: goDuration(retry.maxMs) },
  };
  if (listed.length > 0) strategy.expression = `${byDefault ? '!' : ''}(asInt(lastRetry.exitCode) in [${listed.join(', ')}])`;
  else if (!byDefault) strategy.expression = 'false';
  if (retry.jitter) ctx.note('approximated', `step "${step.id}": retry jitter (Argo backs off without it)`);
  if (rules.some((r) => r.pattern !== undefined && retried(r.class) !== byDefault)) {
    ctx.note('not expressible', `step "${step.id}": retry decisions from log patterns and self-healing remedies (Argo retries by exit code, unchanged)`);
  }
  return strategy;
}

function synchronization(step: ResolvedStep, ctx: ContainerContext): Obj | undefined {
  if (step.resources.length === 0) return undefined;
  const mutexes: Obj[] = [];
  const semaphores: Obj[] = [];
  for (const r of step.resources) {
    const size = ctx.resources[r] ?? 1;
    if (size <= 1) mutexes.push({ name: `baton-${fieldName(r, 'resource')}` });
    else {
      semaphores.push({ configMapKeyRef: { name: SEMAPHORE_CONFIGMAP, key: r } });
      ctx.note('approximated', `resource "${r}" (${size} holders) is a semaphore: create ConfigMap ${SEMAPHORE_CONFIGMAP} with ${r}: "${size}"`);
    }
  }
  const out: Obj = {};
  if (mutexes.length) out.mutexes = mutexes;
  if (semaphores.length) out.semaphores = semaphores;
  return out;
}

/** A value as the text of one parameter: strings as they are, anything else as JSON. */
function parameterText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function containerTemplate(step: ResolvedStep, scope: ExprScope, ctx: ContainerContext): StepTemplate {
  const inputs: Parameter[] = [{ name: STEP_PARAM }];
  const args: Parameter[] = [{ name: STEP_PARAM, value: ctx.stepId }];
  const env: Obj[] = [
    { name: 'BATON_WORKSPACE', value: WORKSPACE },
    { name: 'BATON_RUN_ID', value: '{{workflow.name}}' },
    { name: 'BATON_STEP_ID', value: ctx.loop ? `{{inputs.parameters.${STEP_PARAM}}}-{{pod.name}}` : `{{inputs.parameters.${STEP_PARAM}}}` },
    { name: 'BATON_OUTPUTS_DIR', value: OUTPUTS_DIR },
  ];
  const dynamic = (param: string, value: string): string => {
    inputs.push({ name: param });
    args.push({ name: param, value });
    return `{{inputs.parameters.${param}}}`;
  };
  const translated = (value: unknown, where: string): unknown => {
    const problems: string[] = [];
    const out = argoDeep(value, scope, problems);
    for (const p of problems) ctx.note('not expressible', `step "${step.id}": ${where}: ${p} (baton step refuses the task)`);
    return out;
  };

  const container: Obj = { image: ctx.image };
  if (step.run) {
    container.command = ['baton', 'step', 'exec', '--'];
    container.args = step.run.map((a, i) => (a.includes('${{') ? dynamic(`argv-${i}`, stringify(translated(a, `run[${i}]`))) : a));
  } else {
    container.command = ['baton', 'step', step.command ?? ''];
    // Every argument of the command is an input, so the steps of one command share one template;
    // an empty value is an argument the step does not give, and baton step fills its default in.
    for (const [name, spec] of Object.entries(step.def?.args ?? {})) {
      const p = parameterName(name);
      inputs.push(spec.required && spec.default === undefined ? { name: p } : { name: p, default: '' });
      env.push({ name: `BATON_ARG_${name}`, value: `{{inputs.parameters.${p}}}` });
    }
    for (const [name, value] of Object.entries(step.args)) {
      const spec = step.def?.args[name];
      if (spec?.default !== undefined && JSON.stringify(spec.default) === JSON.stringify(value)) continue;
      args.push({ name: parameterName(name), value: parameterText(translated(value, `args.${name}`)) });
    }
  }
  for (const [name, value] of Object.entries({ ...ctx.planEnv, ...step.env })) {
    if (!value.includes('${{')) {
      env.push({ name, value });
      continue;
    }
    env.push({ name, value: dynamic(`env-${parameterName(name)}`, stringify(translated(value, `env.${name}`))) });
  }
  container.env = env;
  container.volumeMounts = [{ name: WORKSPACE_VOLUME, mountPath: WORKSPACE }];

  const body: Obj = { inputs: { parameters: inputs } };
  // Only what other steps read: every output is still a file in OUTPUTS_DIR for whoever looks.
  const outputs = [...ctx.outputsRead];
  if (outputs.length > 0) body.outputs = { parameters: outputs.map((o) => ({ name: parameterName(o), valueFrom: { path: `${OUTPUTS_DIR}/${o}`, default: '' } })) };
  body.container = container;
  const retry = retryStrategy(step, step.retry, [...step.errors, ...(step.def?.errors ?? []), ...ctx.errorRules, ...BUILTIN_RULES], ctx);
  if (retry) body.retryStrategy = retry;
  const timeoutMs = step.timeoutMs ?? ctx.defaultTimeoutMs;
  if (timeoutMs !== undefined && timeoutMs > 0) body.activeDeadlineSeconds = String(Math.ceil(timeoutMs / 1000));
  const sync = synchronization(step, ctx);
  if (sync) body.synchronization = sync;
  const baseName = step.command !== undefined ? fieldName(step.command) : fieldName(`run-${step.id.split('.').pop() ?? step.id}`);
  return { body, baseName, arguments: args };
}
