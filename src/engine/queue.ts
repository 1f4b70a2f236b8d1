import { remainingTime } from '../core/dag.js';
import { estimator } from '../core/estimate.js';
import type { ResolvedPlan, ResolvedStep } from '../core/planCheck.js';
import type { RunState } from '../core/runState.js';

/**
 * The steps a session still has to run, best first: higher `priority`, then the longest estimated
 * time to the end of the run (the critical path), then plan order. A forEach instance ranks with
 * its forEach step.
 */
export function orderQueue(plan: ResolvedPlan, state: RunState, steps: ReadonlyMap<string, ResolvedStep>, history: ReadonlyMap<string, number>, failureRates: ReadonlyMap<string, number> = new Map()): string[] {
  const remaining = remainingTime(plan.steps, estimator(plan, history));
  const index = new Map(state.order.map((id, i) => [id, i]));
  const rank = (id: string) => {
    const step = steps.get(id);
    const failures = failureRates.get(step?.command ?? step?.estimateKey ?? '') ?? 0;
    return [step?.priority ?? 0, remaining.get(step?.loop?.parent ?? id) ?? 0, failures, -(index.get(id) ?? 0)];
  };
  return state.order
    .filter((id) => state.steps[id]?.status !== 'succeeded')
    .sort((a, b) => {
      const [ra, rb] = [rank(a), rank(b)];
      for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return (rb[i] ?? 0) - (ra[i] ?? 0);
      return 0;
    });
}

/** Whether a step's `if:` reads a need's status: then that need's outcome is the step's to judge. */
function judgesNeed(step: ResolvedStep, need: string): boolean {
  if (step.if === undefined) return false;
  const local = need.slice(need.lastIndexOf('.') + 1);
  return new RegExp(`\\bsteps\\s*(?:\\.\\s*${local}\\b|\\[\\s*["']${local}["']\\s*\\])\\s*\\.\\s*status\\b`).test(step.if);
}

/**
 * The need that keeps a step from ever running: one that failed, was cancelled or was skipped,
 * unless the step's `if:` reads that need's status (`if: steps.train.status == "failed"` runs a
 * step in place of a failed one). Needs still queued in this session count as pending, whatever
 * an earlier session left.
 */
export function blockedBy(step: ResolvedStep, state: RunState, toRun: ReadonlySet<string>): string | undefined {
  return step.needs.find((n) => {
    const status = state.steps[n]?.status;
    if (toRun.has(n) || judgesNeed(step, n)) return false;
    return status === 'failed' || status === 'cancelled' || status === 'skipped';
  });
}

/** Every need has settled: succeeded, or ended another way that the step judges itself. */
export function needsMet(step: ResolvedStep, state: RunState, toRun: ReadonlySet<string>): boolean {
  return step.needs.every((n) => {
    const status = state.steps[n]?.status;
    if (toRun.has(n)) return false;
    return status === 'succeeded' || (judgesNeed(step, n) && (status === 'failed' || status === 'skipped' || status === 'cancelled'));
  });
}
