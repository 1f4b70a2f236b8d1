import { criticalPath, levels, topologicalOrder } from '../core/dag.js';
import { formatDuration } from '../core/duration.js';
import { estimator } from '../core/estimate.js';
import { stringify } from '../core/expressions.js';
import type { ResolvedPlan, ResolvedStep } from '../core/planCheck.js';
import { bold, cyan, dim, yellow } from './format.js';

export interface PlanSummary {
  name: string;
  steps: { id: string; command: string; needs: string[]; estimateMs: number; if: string | null; args: Record<string, unknown>; run: string[] | null }[];
  levels: string[][];
  criticalPath: string[];
  estimatedMs: number;
}

/** The plan's own steps; a nested workflow's steps are shown under their `uses` step. */
function topLevel(plan: ResolvedPlan): ResolvedStep[] {
  return plan.steps.filter((s) => s.scope === undefined);
}

export function summarizePlan(plan: ResolvedPlan, history: ReadonlyMap<string, number>): PlanSummary {
  const estimate = estimator(plan, history);
  const cp = criticalPath(topLevel(plan), estimate);
  return {
    name: plan.name,
    steps: topologicalOrder(plan.steps).map((s) => ({
      id: s.id,
      command: s.command ?? s.estimateKey,
      needs: s.needs,
      estimateMs: estimate(s.id),
      if: s.if ?? null,
      args: s.args,
      run: s.run ?? null,
    })),
    levels: levels(topLevel(plan)),
    criticalPath: cp.path,
    estimatedMs: cp.totalMs,
  };
}

function describe(step: ResolvedStep): string {
  if (step.run) return step.run.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ');
  if (step.uses !== undefined) {
    const given = Object.entries(step.with).map(([k, v]) => `${k}=${stringify(v)}`);
    return `uses ${step.uses}${given.length ? ` with ${given.join(' ')}` : ''}`;
  }
  const args = Object.entries(step.args).map(([k, v]) => `${k}=${stringify(v)}`);
  return `${step.command ?? ''}${args.length ? ` ${args.join(' ')}` : ''}`;
}

/** The plan as a user reads it before approving: steps by level, conditions, retries, critical path. */
export function renderPlan(plan: ResolvedPlan, history: ReadonlyMap<string, number>): string {
  const summary = summarizePlan(plan, history);
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const onPath = new Set(summary.criticalPath);
  const lines = [`${bold(plan.name)}: ${plan.steps.length} steps in ${summary.levels.length} levels, about ${formatDuration(summary.estimatedMs)} on the critical path`];
  const stepLines = (s: ResolvedStep, indent: string, mark: string): void => {
    lines.push(`${indent}${mark} ${cyan(s.id)}  ${describe(s)}  ${dim(`~${formatDuration(estimate(s.id))}`)}`);
    const extra: string[] = [];
    if (s.needs.length) extra.push(`needs ${s.needs.join(', ')}`);
    if (s.elseOf !== undefined) extra.push(`else of ${s.elseOf}`);
    if (s.if !== undefined) extra.push(`if ${s.if}`);
    if (s.else.length) extra.push(`else ${s.else.join(', ')}`);
    if (s.forEach !== undefined) extra.push(`for each of ${typeof s.forEach === 'string' ? s.forEach : JSON.stringify(s.forEach)}`);
    if (s.until !== undefined) extra.push(`until ${s.until} (at most ${s.maxIterations}×)`);
    if (s.retry.attempts > 1) extra.push(`retry ${s.retry.attempts}× ${s.retry.backoff}`);
    if (s.timeoutMs !== undefined) extra.push(`timeout ${formatDuration(s.timeoutMs)}`);
    if (s.resources.length) extra.push(`locks ${s.resources.join(', ')}`);
    if (s.fallbackStep) extra.push(`fallback ${s.fallbackStep.command ?? s.fallbackStep.estimateKey}`);
    if (s.continueOnError) extra.push('continues on error');
    if (Object.keys(s.export).length) extra.push(`exports ${Object.keys(s.export).join(', ')}`);
    if (extra.length) lines.push(`${indent}    ${dim(extra.join(' · '))}`);
    // A nested workflow's steps, in order, under the step that uses it.
    for (const child of topologicalOrder(groups.get(s.id) ?? [])) stepLines(child, `${indent}  │ `, ' ');
  };
  // Each step's nested workflow, found once: filtering every step's for each would be quadratic.
  const groups = new Map<string, ResolvedStep[]>();
  for (const c of plan.steps) {
    if (c.scope === undefined) continue;
    const group = groups.get(c.scope.group);
    if (group) group.push(c);
    else groups.set(c.scope.group, [c]);
  }
  const estimate = estimator(plan, history);
  summary.levels.forEach((ids, i) => {
    lines.push(dim(`level ${i + 1}${ids.length > 1 ? ` (${ids.length} in parallel)` : ''}`));
    for (const id of ids) stepLines(byId.get(id) as ResolvedStep, '  ', onPath.has(id) ? yellow('★') : ' ');
  });
  lines.push(`${yellow('★')} critical path: ${summary.criticalPath.join(' → ')} (${formatDuration(summary.estimatedMs)})`);
  return lines.join('\n');
}
