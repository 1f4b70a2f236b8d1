import { dependencyCheck } from './dag.js';
import type { PlanStep } from './plan.js';
import { MAX_HINTS, didYouMean } from './similar.js';

/**
 * `else: [b]` on a step with `if: c` is the same as giving b `if: !(c)` (with its own condition
 * kept) and the needs c reads. Rewriting the plan this way keeps one condition mechanism in the
 * engine; `elseOf` remembers the origin so `baton plan` can still show the branch.
 */
export function applyElse(steps: readonly PlanStep[], problems: string[]): { steps: PlanStep[]; elseOf: Map<string, string> } {
  const byId = new Map(steps.map((s) => [s.id, { ...s, needs: [...s.needs] }]));
  const elseOf = new Map<string, string>();
  const dependsOn = dependencyCheck(steps);
  for (const step of steps) {
    if (step.else.length === 0) continue;
    const where = `step "${step.id}"`;
    if (step.if === undefined) {
      problems.push(`${where}: "else" needs an "if" condition on the same step`);
      continue;
    }
    for (const target of step.else) {
      const branch = byId.get(target);
      if (!branch) {
        const hint = problems.length < MAX_HINTS ? didYouMean(target, byId.keys()) : undefined;
        problems.push(`${where}: else names unknown step "${target}"${hint ? ` (${hint})` : ''}`);
        continue;
      }
      if (target === step.id || dependsOn(target, step.id)) {
        problems.push(`${where}: else branch "${target}" must not depend on ${step.id}, which is skipped when the branch runs`);
        continue;
      }
      if (elseOf.has(target)) {
        problems.push(`step "${target}" is the else branch of both ${elseOf.get(target) ?? ''} and ${step.id}`);
        continue;
      }
      const negated = `!(${step.if})`;
      branch.if = branch.if !== undefined ? `${negated} && (${branch.if})` : negated;
      const has = new Set(branch.needs);
      for (const need of step.needs) {
        if (has.has(need)) continue;
        has.add(need);
        branch.needs.push(need);
      }
      elseOf.set(target, step.id);
    }
  }
  return { steps: steps.map((s) => byId.get(s.id) as PlanStep), elseOf };
}
