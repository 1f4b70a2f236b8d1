import { criticalPath } from './dag.js';
import type { ResolvedPlan } from './planCheck.js';

/** Fallback when neither history nor the command file says how long a step takes. */
export const DEFAULT_ESTIMATE_MS = 1000;

/**
 * How long each step of a plan is expected to take: the mean of past successful runs of the same
 * command when there are any, else the command file's `estimate`.
 */
export function estimator(plan: Pick<ResolvedPlan, 'steps'>, history: ReadonlyMap<string, number>): (id: string) => number {
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const estimate = (id: string): number => {
    const step = byId.get(id);
    if (!step) return 0;
    // A nested workflow takes as long as its own critical path.
    if (step.template) return criticalPath(plan.steps.filter((s) => s.scope?.group === id), estimate).totalMs;
    return history.get(step.estimateKey) ?? step.def?.estimateMs ?? DEFAULT_ESTIMATE_MS;
  };
  return estimate;
}
