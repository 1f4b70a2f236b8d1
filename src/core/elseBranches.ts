import { ancestors } from './dag.js';
import type { PlanStep } from './plan.js';
import { didYouMean } from './similar.js';

/**
 * `else: [b]` on a step with `if: c` is the same as giving b `if: !(c)` (with its own condition
 * kept) and the needs c reads. Rewriting the plan this way keeps one condition mechanism in the
 * engine; `elseOf` remembers the origin so `baton plan` can still show the branch.
 */
export function applyElse(steps: readonly PlanStep[], problems: string[]): { steps: PlanStep[]; elseOf: Map<string, string> } {
  const byId = new Map(steps.map((s) => [s.id, { ...s, needs: [...s.needs] }]));
  const elseOf = new Map<string, string>();
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
        const hint = didYouMean(target, byId.keys());
        problems.push(`${where}: else names unknown step "${target}"${hint ? ` (${hint})` : ''}`);
        continue;
      }
      if (target === step.id || ancestors(steps, target).has(step.id)) {
        problems.push(`${where}: else branch "${target}" must not depend on ${step.id}, which is skipped when the branch runs`);
        continue;
      }
      if (elseOf.has(target)) {
        problems.push(`step "${target}" is the else branch of both ${elseOf.get(target) ?? ''} and ${step.id}`);
        continue;
      }
      const negated = `!(${step.if})`;
      branch.if = branch.if !== undefined ? `${negated} && (${branch.if})` : negated;
      for (const need of step.needs) if (!branch.needs.includes(need)) branch.needs.push(need);
      elseOf.set(target, step.id);
    }
  }
  return { steps: steps.map((s) => byId.get(s.id) as PlanStep), elseOf };
}
