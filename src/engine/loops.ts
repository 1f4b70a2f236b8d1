import { aggregateOutputs } from '../core/aggregate.js';
import { instanceId, type EventBody } from '../core/events.js';
import { coerceArg } from '../core/command.js';
import { errorMessage, ExpressionError } from '../core/errors.js';
import { evaluateCondition, substitute, substituteDeep } from '../core/expressions.js';
import type { ResolvedStep } from '../core/planCheck.js';
import type { StepState } from '../core/runState.js';
import { StepInputError } from './stepInputs.js';

export const MAX_ITEMS = 10_000;

/** The items a forEach step runs over, its `${{ }}` evaluated against `ctx`. */
export function forEachItems(step: ResolvedStep, ctx: Record<string, unknown>): unknown[] {
  const raw = typeof step.forEach === 'string' ? substitute(step.forEach.trim(), ctx) : substituteDeep(step.forEach, ctx);
  if (!Array.isArray(raw)) throw new ExpressionError(`forEach gave ${JSON.stringify(raw)}, not a list`);
  if (raw.length === 0) throw new ExpressionError('forEach gave an empty list: nothing to run');
  if (raw.length > MAX_ITEMS) throw new ExpressionError(`forEach gave ${raw.length} items; at most ${MAX_ITEMS}`);
  return raw as unknown[];
}

/** One instance of a forEach step: the same step with no needs left, for one item. */
export function instanceStep(parent: ResolvedStep, item: unknown, index: number): ResolvedStep {
  const id = instanceId(parent.id, index);
  const loop = { parent: parent.id, item, index };
  const instance: ResolvedStep = { ...parent, id, needs: [], else: [], export: {}, loop };
  delete instance.if;
  delete instance.forEach;
  delete instance.elseOf;
  if (parent.fallbackStep) instance.fallbackStep = { ...parent.fallbackStep, id, needs: [], loop };
  return instance;
}

/** The event that closes a forEach step once every instance is done. */
export function forEachResult(parent: StepState, instances: readonly StepState[], now: number): EventBody {
  const failed = instances.filter((s) => s.status !== 'succeeded');
  const durationMs = now - (parent.startedAt ?? now);
  if (failed.length > 0) {
    const error = `${failed.length} of ${instances.length} instances failed: ${failed.map((s) => s.id).join(', ')}`;
    const errorClass = failed.find((s) => s.errorClass !== undefined)?.errorClass;
    const body: EventBody = { type: 'step.failed', step: parent.id, attempt: 0, exitCode: null, signal: null, error, durationMs };
    return errorClass ? { ...body, errorClass } : body;
  }
  const items = instances.map((s) => s.loop?.item);
  return {
    type: 'step.succeeded',
    step: parent.id,
    attempt: 0,
    outputs: aggregateOutputs(items, instances.map((s) => s.outputs)),
    durationMs,
    note: `${instances.length} instances`,
  };
}

export type UntilDecision = { again: true; iteration: number } | { again: false; iteration: number; note: string };

/** After a successful attempt of an until loop: go round again, or stop and say why. */
export function untilDecision(step: ResolvedStep, state: StepState, outputs: Record<string, unknown>, ctx: Record<string, unknown>): UntilDecision {
  const iteration = (state.iteration ?? 0) + 1;
  const steps = { ...(ctx.steps as Record<string, unknown>), [step.id]: { outputs, status: 'running' } };
  const holds = evaluateCondition(step.until as string, { ...ctx, steps, outputs, iteration });
  if (holds) return { again: false, iteration, note: `until met after ${iteration} iteration${iteration > 1 ? 's' : ''}` };
  if (iteration >= step.maxIterations) return { again: false, iteration, note: `stopped at maxIterations (${step.maxIterations}) before until held` };
  return { again: true, iteration };
}

/** The step as self-healing left it: healed argument values and timeout replace the plan's. */
export function withOverrides(step: ResolvedStep, overrides: StepState['overrides']): ResolvedStep {
  if (!overrides) return step;
  const out: ResolvedStep = { ...step, args: { ...step.args, ...overrides.args } };
  if (overrides.timeoutMs !== undefined) out.timeoutMs = overrides.timeoutMs;
  return out;
}

/** A nested workflow's parameters: `with` (already evaluated in the caller's scope) over the declared defaults. */
export function groupParams(step: ResolvedStep, given: Record<string, unknown>): Record<string, unknown> {
  const template = step.template;
  if (!template) return {};
  const params: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(template.params)) {
    if (!(name in given)) {
      if (spec.default === undefined && spec.required) throw new StepInputError(`template ${template.name} needs parameter "${name}"`);
      params[name] = spec.default ?? null;
      continue;
    }
    const checked = coerceArg(name, spec, given[name]);
    if ('problem' in checked) throw new StepInputError(`template ${template.name}: ${checked.problem.replace('argument', 'parameter')}`);
    params[name] = checked.value;
  }
  return params;
}

/** The event that closes a `uses` step once its workflow's steps are done: the template's outputs, or the failure. */
export function groupResult(parent: StepState, children: readonly StepState[], outputs: () => Record<string, unknown>, canFail: (id: string) => boolean, now: number): EventBody {
  // A step the user cancelled leaves the workflow's work undone, whatever its continueOnError says.
  const failed = children.filter((s) => (s.status === 'failed' && !canFail(s.id)) || s.status === 'cancelled');
  const durationMs = now - (parent.startedAt ?? now);
  if (failed.length > 0) {
    const error = `its workflow failed at ${failed.map((s) => (s.status === 'cancelled' ? `${s.id} (cancelled)` : s.id)).join(', ')}`;
    return { type: 'step.failed', step: parent.id, attempt: 0, exitCode: null, signal: null, error, durationMs };
  }
  try {
    return { type: 'step.succeeded', step: parent.id, attempt: 0, outputs: outputs(), durationMs, note: `${children.length} steps` };
  } catch (e) {
    return { type: 'step.failed', step: parent.id, attempt: 0, exitCode: null, signal: null, error: `outputs: ${errorMessage(e)}`, durationMs, errorClass: 'permanent' };
  }
}

/** The cross-workflow variables a step exports once it has succeeded (its `export:`, evaluated), if any. */
export function exportedValues(step: ResolvedStep, outputs: Record<string, unknown>, ctx: Record<string, unknown>): Record<string, unknown> | undefined {
  if (Object.keys(step.export).length === 0) return undefined;
  const steps = { ...(ctx.steps as Record<string, unknown>), [step.id]: { outputs, status: 'succeeded' } };
  return substituteDeep(step.export, { ...ctx, steps }) as Record<string, unknown>;
}
