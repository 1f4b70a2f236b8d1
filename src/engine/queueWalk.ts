import { errorMessage } from '../core/errors.js';
import type { EventBody } from '../core/events.js';
import { evaluateCondition } from '../core/expressions.js';
import type { ResolvedStep } from '../core/planCheck.js';
import type { RunState } from '../core/runState.js';
import type { Slots } from '../core/slots.js';
import type { Breakers } from './breakers.js';
import type { Active } from './deps.js';
import { notRunEvents } from './failures.js';
import type { Groups } from './groups.js';
import { blockedBy, needsMet } from './queue.js';
import type { Starter } from './starter.js';
import { expressionContext, type ContextInput } from './stepInputs.js';
import type { RunPaths } from './workspace.js';

/** What one walk of the ready queue reads, and the engine's ways to act on a step. */
export interface Walk {
  queue: readonly string[];
  state: RunState;
  steps: ReadonlyMap<string, ResolvedStep>;
  toRun: ReadonlySet<string>;
  running: ReadonlyMap<string, Active>;
  timers: ReadonlyMap<string, NodeJS.Timeout>;
  /** Steps whose fallback runs instead of them; a step whose circuit is open joins it. */
  inFallback: Set<string>;
  paths: RunPaths;
  parallel: number;
  groups: Groups;
  breakers: Breakers;
  slots: Slots;
  starter: Starter;
  append(e: EventBody): void;
  /** The step is done for this session without running (skipped, failed before starting). */
  drop(id: string): void;
  context(step: ResolvedStep): ContextInput;
  /** The step fails for good because of its own inputs (a bad `if:`), without running. */
  inputFailure(id: string, error: string): void;
}

/** Evaluates `if:`; a false condition skips the step, an error fails it. */
function conditionHolds(w: Walk, step: ResolvedStep): boolean {
  const expression = step.if as string;
  let holds: boolean;
  try {
    holds = evaluateCondition(expression, expressionContext(w.context(step)));
  } catch (e) {
    w.inputFailure(step.id, `if: ${errorMessage(e)}`);
    return false;
  }
  if (!holds) w.append({ type: 'step.skipped', step: step.id, reason: `if: ${expression} was false` });
  return holds;
}

/**
 * A step whose circuit is open fails at once, without running; its fallback, if it has one,
 * runs instead (true: the step stays queued for it).
 */
function failFast(w: Walk, step: ResolvedStep, why: string): boolean {
  const id = step.id;
  const attempt = (w.state.steps[id]?.attempts.length ?? 0) + 1;
  for (const e of notRunEvents(id, attempt, w.paths, why, 'transient', 'circuit open')) w.append(e);
  const primary = w.steps.get(id);
  if (w.inFallback.has(id) || !primary?.fallbackStep) return false;
  w.append({ type: 'step.fallback', step: id, to: primary.fallbackStep.command ?? primary.fallbackStep.estimateKey });
  w.inFallback.add(id);
  return true;
}

/**
 * One pass over the queue, in priority order: each step that can start now is started (within
 * the parallel limit, its agent's slots, its resources and the breakers), one that cannot start
 * ever is settled, the rest wait. Returns the queue for the next pass, and whether a step was
 * settled without starting (which can unblock steps earlier in the queue: the engine goes round).
 */
export function walkQueue(w: Walk): { next: string[]; settled: boolean } {
  const state = w.state;
  let settled = false;
  const next: string[] = [];
  const drop = (id: string) => {
    w.drop(id);
    settled = true;
  };
  for (const id of w.queue) {
    if (!w.toRun.has(id)) continue;
    if (w.running.has(id) || w.timers.has(id)) {
      next.push(id);
      continue;
    }
    const primary = w.steps.get(id) as ResolvedStep;
    const instances = state.steps[id]?.instances;
    if (instances) {
      // An expanded forEach step, or a started nested workflow, is done when all its steps are.
      if (instances.some((i) => w.toRun.has(i))) next.push(id);
      else {
        w.groups.finish(primary, instances);
        drop(id);
      }
      continue;
    }
    // A nested workflow's steps wait for their `uses` step to start it.
    if (primary.scope && !state.steps[primary.scope.group]?.instances) {
      next.push(id);
      continue;
    }
    const step = w.inFallback.has(id) ? (primary.fallbackStep ?? primary) : primary;
    const blocked = blockedBy(step, state, w.toRun);
    if (blocked !== undefined) {
      const status = state.steps[blocked]?.status ?? 'failed';
      w.append({ type: 'step.skipped', step: id, reason: `needs ${blocked}, which ${status === 'skipped' || status === 'cancelled' ? `was ${status}` : status}` });
      drop(id);
      continue;
    }
    if (!needsMet(step, state, w.toRun)) {
      next.push(id);
      continue;
    }
    if (step.if !== undefined && !conditionHolds(w, step)) {
      drop(id);
      continue;
    }
    if (step.template) {
      if (w.groups.enterWorkflow(step)) {
        next.push(id);
        settled = true;
      } else drop(id);
      continue;
    }
    if (step.forEach !== undefined) {
      const ids = w.groups.expand(step);
      if (ids === undefined) drop(id);
      else {
        next.push(id, ...ids);
        settled = true;
      }
      continue;
    }
    if (w.running.size >= w.parallel) {
      next.push(id);
      continue;
    }
    const open = w.breakers.commandBlocked(step) ?? w.breakers.allAgentsOpen(w.slots.capable(step));
    if (open !== undefined) {
      if (!failFast(w, step, open)) drop(id);
      else {
        next.push(id);
        settled = true;
      }
      continue;
    }
    const need = { capability: step.capability, agent: step.agent, preferred: step.def?.agent, resources: step.resources };
    const agent = w.slots.acquire(need, (a) => w.breakers.agentUsable(a));
    if (agent === undefined) next.push(id);
    else {
      w.breakers.useAgent(agent);
      if (w.starter.start(step, agent)) next.push(id);
      else drop(id);
    }
  }
  return { next, settled };
}
