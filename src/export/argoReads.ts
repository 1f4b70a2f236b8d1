import { expressionsIn, templateExpressions } from '../core/expressions.js';
import type { ResolvedPlan, ResolvedStep } from '../core/planCheck.js';

/** `steps.x.outputs.y` and `steps["x"].outputs["y"]`: which step, which output. */
const OUTPUT_READ = /\bsteps\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*["']([^"']+)["']\s*\])\s*\.\s*outputs\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*["']([^"']+)["']\s*\])/g;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether a condition reads `steps.<id>.status`: then that need's failure does not skip the step. */
export function readsStatus(condition: string, id: string): boolean {
  const i = escape(id);
  return new RegExp(`\\bsteps\\s*(?:\\.\\s*${i}\\b|\\[\\s*["']${i}["']\\s*\\])\\s*\\.\\s*status\\b`).test(condition);
}

/** The expressions a step's task translates: its condition, args, argv, env, items and parameters. */
function stepExpressions(step: ResolvedStep): string[] {
  return [
    ...(step.if !== undefined ? [step.if] : []),
    ...expressionsIn(step.args),
    ...expressionsIn(step.run ?? []),
    ...expressionsIn(step.env),
    ...(typeof step.forEach === 'string' ? templateExpressions(step.forEach) : expressionsIn(step.forEach ?? [])),
    ...expressionsIn(step.with),
  ];
}

/**
 * For each step (by its full id), the outputs other expressions read from it: Argo must declare
 * an output parameter for each, and a `run:` step declares no outputs of its own.
 */
export function outputsRead(plan: ResolvedPlan): Map<string, Set<string>> {
  const reads = new Map<string, Set<string>>();
  const record = (prefix: string, expressions: string[]) => {
    for (const expression of expressions) {
      for (const m of expression.matchAll(OUTPUT_READ)) {
        const id = prefix + (m[1] ?? m[2] ?? '');
        const set = reads.get(id) ?? new Set<string>();
        set.add(m[3] ?? m[4] ?? '');
        reads.set(id, set);
      }
    }
  };
  record('', expressionsIn(plan.outputs));
  for (const step of plan.steps) {
    record(step.scope ? `${step.scope.group}.` : '', stepExpressions(step));
    if (step.template) record(`${step.id}.`, expressionsIn(step.template.outputs));
  }
  return reads;
}

/** One line for each thing this step does in Baton that its Argo task cannot. */
export function stepNotes(step: ResolvedStep, note: (kind: 'not expressible' | 'approximated', text: string) => void): void {
  const at = `step "${step.id}"`;
  if (step.until !== undefined) note('not expressible', `${at}: until loop "${step.until}" (runs once)`);
  if (step.fallback !== undefined) note('not expressible', `${at}: fallback (a failure is final)`);
  if (step.undo !== undefined) note('not expressible', `${at}: undo (nothing rolls it back)`);
  if (step.checkpoint) note('not expressible', `${at}: checkpoint (no rollback to it)`);
  const exported = Object.keys(step.export);
  if (exported.length > 0) note('not expressible', `${at}: export of ${exported.join(', ')} to the store (nothing is stored)`);
  if (step.severity === 'critical') note('not expressible', `${at}: severity critical (a failure neither stops nor rolls back the run)`);
  else if (step.severity === 'warning' || step.severity === 'info') note('not expressible', `${at}: severity ${step.severity} (no alerts or escalation)`);
  if (step.priority !== 0) note('not expressible', `${at}: priority ${step.priority} (Argo starts ready tasks in its own order)`);
  if (step.agent !== undefined) note('approximated', `${at}: agent "${step.agent}" (Kubernetes schedules the pod; no agent slots)`);
}
