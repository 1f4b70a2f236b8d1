import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ValidationError } from '../core/errors.js';
import { parsePlan } from '../core/planSchema.js';
import { resolvePlan, type ResolvedPlan } from '../core/planCheck.js';
import { plannerContext, toPlan } from '../planner/context.js';
import { planRequest, type PlanResult } from '../planner/planner.js';
import type { Project } from './context.js';
import { dim, yellow } from './format.js';
import { loadPlanFile } from './planFile.js';

export type Planned =
  | { kind: 'file'; plan: ResolvedPlan; source: string; baseDir: string }
  | { kind: 'request'; plan: ResolvedPlan | undefined; result: PlanResult; source: string; baseDir: string };

/** A plan file when the words name one, else a request in plain English for the planner. */
export function planFrom(words: string[], project: Project, cwd: string): Planned {
  const text = words.join(' ').trim();
  if (text === '') throw new ValidationError('nothing to plan', [], 'give a plan file, or a request such as "train a random forest on iris"');
  if (words.length === 1 && (existsSync(resolve(cwd, text)) || /\.(?:ya?ml|json)$/.test(text))) {
    const loaded = loadPlanFile(text, cwd);
    return { kind: 'file', plan: resolvePlan(loaded.plan, project.catalog, loaded.source), source: loaded.source, baseDir: loaded.baseDir };
  }
  const template = words[0] !== undefined ? project.templates.templates.get(words[0]) : undefined;
  if (template && words.slice(1).every((w) => /^[A-Za-z_][\w-]*=/.test(w))) return templatePlan(template.name, words.slice(1), project, cwd);
  return replan(planRequest(text, plannerContext(project.registry.commands, project.dir, project.templates.templates)), project, cwd);
}

/** `train-and-evaluate dataset=data/churn.csv model=decision-tree`: a template run as a plan of its own. */
function templatePlan(name: string, params: string[], project: Project, cwd: string): Planned {
  const values = Object.fromEntries(params.map((p) => [p.slice(0, p.indexOf('=')), parseValue(p.slice(p.indexOf('=') + 1))]));
  const source = `template ${name}`;
  const plan = parsePlan({ name: `${name}-run`, steps: [{ id: name.replace(/\W/g, '_').replace(/^(?=[^A-Za-z])/, 't'), uses: name, with: values }] }, source, name);
  try {
    return { kind: 'file', plan: resolvePlan(plan, project.catalog, source), source, baseDir: cwd };
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    const wanted = Object.entries(project.templates.templates.get(name)?.params ?? {}).map(([k, spec]) => `${k}=${spec.required && spec.default === undefined ? '…' : '[…]'}`);
    throw new ValidationError(e.message, [], `give its parameters as NAME=VALUE: ${name} ${wanted.join(' ')} (/templates lists them)`);
  }
}

/** `folds=3` is a number, `tags=[a,b]` a list, anything that is not YAML-ish stays text. */
function parseValue(text: string): unknown {
  try {
    return parseYaml(text) as unknown;
  } catch {
    return text;
  }
}

/** The plan for a planner's result, checked whole unless a question still blocks it. */
export function replan(result: PlanResult, project: Project, cwd: string): Planned & { kind: 'request' } {
  let plan: ResolvedPlan | undefined;
  try {
    plan = result.steps.length > 0 ? resolvePlan(toPlan(result), project.catalog, 'the request') : undefined;
  } catch (e) {
    // A plan still missing an answer cannot be checked whole yet; its questions say what is missing.
    if (!blocking(result)) throw e;
  }
  return { kind: 'request', plan, result, source: 'request', baseDir: cwd };
}

/** The planned steps in one line each, for a plan that cannot be checked whole yet. */
export function stepLines(result: PlanResult): string {
  return result.steps.map((s) => `  ${s.id}  ${s.uses !== undefined ? `uses:${s.uses}` : s.command} ${Object.entries(s.args).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}${s.needs.length ? dim(`  needs ${s.needs.join(', ')}`) : ''}`).join('\n');
}

/** What the planner asks back, as lines to print. */
export function questions(result: PlanResult): string {
  return result.clarifications
    .map((c, i) => `${yellow('?')} ${c.question}${c.suggestions.length ? `\n${c.suggestions.map((s, k) => dim(`    ${i + 1}.${k + 1} ${s}`)).join('\n')}` : ''}`)
    .join('\n');
}

/** Questions that must be answered before the plan can run: no steps, or a required argument missing. */
export function blocking(result: PlanResult): boolean {
  return result.steps.length === 0 || result.clarifications.some((c) => c.arg !== undefined);
}
