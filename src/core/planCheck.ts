import { coerceArg, type AgentDef, type ArgSpec, type CommandDef } from './command.js';
import { dependencyCheck, findCycle } from './dag.js';
import { errorMessage } from './errors.js';
import { applyElse } from './elseBranches.js';
import { compile, expressionsIn, referencedSteps, referencedVars } from './expressions.js';
import { RETRY_ON_DEFAULT, type Fallback, type Plan, type PlanStep, type RetryPolicy } from './plan.js';
import { planError } from './planSchema.js';
import { secretProblems } from './secrets.js';
import { MAX_HINTS, didYouMean } from './similar.js';

/** A reusable workflow (commands/templates/*.yaml, .baton/templates/*.yaml). */
export interface TemplateDef extends Plan {
  source: string;
}

/** What a plan is checked against: the registry's commands and templates, the configured agents and resources. */
export interface Catalog {
  commands: ReadonlyMap<string, CommandDef>;
  templates?: ReadonlyMap<string, TemplateDef>;
  agents: readonly AgentDef[];
  resources: Readonly<Record<string, number>>;
}

/** How deep workflows may nest through `uses`. */
export const MAX_NESTING = 5;

export interface ResolvedStep extends PlanStep {
  capability: string;
  def?: CommandDef;
  retry: RetryPolicy;
  /** Which history an estimate of this step's duration comes from. */
  estimateKey: string;
  /** The fallback, resolved like a step of its own (same id, one try). */
  fallbackStep?: ResolvedStep;
  /** The compensating action, resolved the same way. */
  undoStep?: ResolvedStep;
  /** Set on a step that runs as the else branch of another. */
  elseOf?: string;
  /** Set on the instances of a forEach step. */
  loop?: { parent: string; item: unknown; index: number };
  /** Set on a `uses` step: the workflow it runs, whose steps follow it in the plan as `<id>.<step>`. */
  template?: { name: string; vars: Record<string, unknown>; params: Record<string, ArgSpec>; outputs: Record<string, unknown>; children: string[] };
  /** Set on a step of a nested workflow: the `uses` step it belongs to. */
  scope?: { group: string };
}

export interface ResolvedPlan extends Omit<Plan, 'steps'> {
  steps: ResolvedStep[];
}

export const NO_RETRY: RetryPolicy = { attempts: 1, backoff: 'exponential', initialMs: 1000, maxMs: 60_000, jitter: false, on: RETRY_ON_DEFAULT };

/** Finds a command by name or alias. */
export function findCommand(commands: ReadonlyMap<string, CommandDef>, name: string): CommandDef | undefined {
  const direct = commands.get(name);
  if (direct) return direct;
  for (const def of commands.values()) if (def.aliases.includes(name)) return def;
  return undefined;
}

/** A "did you mean" for the first problems only (see MAX_HINTS). */
function hintFor(problems: readonly string[], word: string, known: Iterable<string>): string | undefined {
  return problems.length < MAX_HINTS ? didYouMean(word, known) : undefined;
}

function commandNames(commands: ReadonlyMap<string, CommandDef>): string[] {
  return [...commands.values()].flatMap((d) => [d.name, ...d.aliases]);
}

/**
 * Checks a parsed plan against the catalog before anything runs: ids, needs, cycles, commands,
 * arguments, agents, resources, expressions and nested workflows. Every problem is reported at once.
 */
export function resolvePlan(plan: Plan, catalog: Catalog, source: string): ResolvedPlan {
  const problems: string[] = [];
  // The plan's own locks, unless the configuration says how many there are.
  const withPlanResources = { ...catalog, resources: { ...plan.resources, ...catalog.resources } };
  const steps = resolveScope(plan, withPlanResources, problems, { prefix: '', chain: [plan.name], depth: 0 });
  if (problems.length > 0) throw planError(source, problems);
  return { ...plan, steps };
}

interface Nesting {
  /** `<uses step id>.` for the steps of a nested workflow, '' at the top. */
  prefix: string;
  /** Template names on the way here, to refuse recursion. */
  chain: string[];
  depth: number;
}

/** Checks one workflow's steps in their own scope, then the workflows they use; returns them all, namespaced. */
function resolveScope(plan: Pick<Plan, 'steps' | 'vars' | 'params'>, catalog: Catalog, problems: string[], nest: Nesting): ResolvedStep[] {
  const local: string[] = [];
  const ids = new Set<string>();
  for (const step of plan.steps) {
    if (ids.has(step.id)) local.push(`step "${step.id}": the id is used twice`);
    ids.add(step.id);
  }
  for (const step of plan.steps) {
    for (const need of step.needs) {
      if (need === step.id) local.push(`step "${step.id}": needs itself`);
      else if (!ids.has(need)) {
        const hint = hintFor(local, need, ids);
        local.push(`step "${step.id}": needs unknown step "${need}"${hint ? ` (${hint})` : ''}`);
      }
    }
  }
  const { steps: planSteps, elseOf } = applyElse(plan.steps, local);
  // A step that needs itself is reported as such above, not as a cycle of one that would hide a longer one.
  const cycle = findCycle(planSteps.map((s) => (s.needs.includes(s.id) ? { id: s.id, needs: s.needs.filter((n) => n !== s.id) } : s)));
  if (cycle) local.push(`the steps form a cycle: ${(cycle.length > 12 ? [...cycle.slice(0, 6), `… (${cycle.length - 10} more)`, ...cycle.slice(-4)] : cycle).join(' → ')}`);
  const steps = planSteps.map((step) => resolveStep(step, catalog, local));
  for (const step of steps) {
    const origin = elseOf.get(step.id);
    if (origin !== undefined) step.elseOf = origin;
  }
  if (!cycle) {
    const dependsOn = dependencyCheck(planSteps);
    const known = new Set(planSteps.map((s) => s.id));
    for (const step of planSteps) checkExpressions(step, known, dependsOn, plan.vars, plan.params, local);
  }
  const where = nest.chain.length > 1 ? `template "${nest.chain[nest.chain.length - 1] ?? ''}" (in ${nest.prefix.slice(0, -1)}): ` : '';
  for (const p of local) problems.push(where + p);

  const out: ResolvedStep[] = [];
  for (const step of steps) {
    const placed = nest.prefix ? namespaced(step, nest.prefix) : step;
    out.push(placed);
    if (step.uses === undefined) continue;
    const children = resolveUses(step, placed.id, catalog, problems, nest);
    if (!children) continue;
    for (const child of children.steps) out.push(child);
    placed.template = children.template;
  }
  return out;
}

/** Resolves the workflow a `uses` step runs; undefined when it cannot be (the problem is recorded). */
function resolveUses(step: ResolvedStep, id: string, catalog: Catalog, problems: string[], nest: Nesting): { steps: ResolvedStep[]; template: NonNullable<ResolvedStep['template']> } | undefined {
  const name = step.uses as string;
  const where = `${nest.prefix ? `${nest.prefix}` : ''}step "${step.id}"`;
  const template = catalog.templates?.get(name);
  if (!template) {
    const hint = hintFor(problems, name, catalog.templates?.keys() ?? []);
    problems.push(`${where}: unknown template "${name}"${hint ? ` (${hint})` : ''}; \`baton templates\` lists them`);
    return undefined;
  }
  if (nest.chain.includes(name)) {
    problems.push(`${where}: template "${name}" uses itself (${[...nest.chain, name].join(' → ')})`);
    return undefined;
  }
  if (nest.depth + 1 > MAX_NESTING) {
    problems.push(`${where}: workflows nest more than ${MAX_NESTING} deep (${[...nest.chain, name].join(' → ')})`);
    return undefined;
  }
  for (const [key, value] of Object.entries(step.with)) {
    // Own keys only: a parameter named "constructor" is not Object.prototype's.
    const spec = Object.hasOwn(template.params, key) ? template.params[key] : undefined;
    if (!spec) {
      const hint = hintFor(problems, key, Object.keys(template.params));
      problems.push(`${where}: template "${name}" has no parameter "${key}"${hint ? ` (${hint})` : ` (it takes: ${Object.keys(template.params).join(', ') || 'none'})`}`);
    } else if (expressionsIn(value).length === 0) {
      const checked = coerceArg(key, spec, value);
      if ('problem' in checked) problems.push(`${where}: ${checked.problem.replace('argument', 'parameter')}`);
    }
  }
  for (const [key, spec] of Object.entries(template.params)) {
    if (spec.required && spec.default === undefined && !Object.hasOwn(step.with, key)) problems.push(`${where}: template "${name}" needs parameter "${key}"`);
  }
  const steps = resolveScope(template, catalog, problems, { prefix: `${id}.`, chain: [...nest.chain, name], depth: nest.depth + 1 });
  const children: string[] = [];
  for (const child of steps) {
    if (child.scope !== undefined) continue;
    child.scope = { group: id };
    children.push(child.id);
  }
  return { steps, template: { name, vars: template.vars, params: template.params, outputs: template.outputs, children } };
}

/** A nested workflow's step under its `uses` step: `<id>.<step>`, its needs renamed alike. */
function namespaced(step: ResolvedStep, prefix: string): ResolvedStep {
  const out: ResolvedStep = { ...step, id: prefix + step.id, needs: step.needs.map((n) => prefix + n), else: step.else.map((e) => prefix + e) };
  if (step.elseOf !== undefined) out.elseOf = prefix + step.elseOf;
  if (step.fallbackStep) out.fallbackStep = { ...step.fallbackStep, id: out.id, needs: out.needs };
  return out;
}

function resolveStep(step: PlanStep, catalog: Catalog, problems: string[]): ResolvedStep {
  const where = `step "${step.id}"`;
  let def: CommandDef | undefined;
  let capability = 'shell';
  if (step.command !== undefined) {
    def = findCommand(catalog.commands, step.command);
    if (!def) {
      const hint = hintFor(problems, step.command, commandNames(catalog.commands));
      problems.push(`${where}: unknown command "${step.command}"${hint ? ` (${hint})` : ''}; \`baton commands\` lists them`);
    } else {
      capability = def.capability;
      checkArgs(step, def, problems);
    }
  } else if (Object.keys(step.args).length > 0) {
    problems.push(`${where}: "args" only applies to a command; pass values to a raw process inside "run", or to a template with "with"`);
  }
  if (step.uses !== undefined) {
    const unsupported = (['forEach', 'until', 'fallback'] as const).filter((k) => step[k] !== undefined);
    if (unsupported.length) problems.push(`${where}: a "uses" step takes no ${unsupported.join(', ')}`);
    return { ...step, capability: 'workflow', retry: NO_RETRY, estimateKey: `uses:${step.uses}` };
  }

  const serving = catalog.agents.filter((a) => a.capabilities.includes(capability));
  if (step.agent !== undefined) {
    const agent = catalog.agents.find((a) => a.name === step.agent);
    if (!agent) {
      const hint = hintFor(problems, step.agent, catalog.agents.map((a) => a.name));
      problems.push(`${where}: unknown agent "${step.agent}"${hint ? ` (${hint})` : ''}`);
    } else if (!agent.capabilities.includes(capability)) {
      problems.push(`${where}: agent "${agent.name}" lacks the "${capability}" capability this step needs`);
    }
  } else if ((def || step.run) && serving.length === 0) {
    problems.push(`${where}: no agent has the "${capability}" capability this step needs; add one under "agents" in .baton/config.yaml`);
  }
  for (const r of step.resources) {
    if (!Object.hasOwn(catalog.resources, r)) {
      const hint = hintFor(problems, r, Object.keys(catalog.resources));
      problems.push(`${where}: unknown resource "${r}"${hint ? ` (${hint})` : ''}; declare it under "resources" in .baton/config.yaml`);
    }
  }
  const args = def ? withDefaults(step.args, def) : step.args;
  const resolved: ResolvedStep = {
    ...step,
    args,
    capability,
    retry: step.retry ?? def?.retry ?? NO_RETRY,
    estimateKey: def ? def.name : `run:${(step.run?.[0] ?? '').split('/').pop() ?? ''}`,
  };
  if (def) {
    resolved.def = def;
    resolved.command = def.name;
    if (resolved.timeoutMs === undefined && def.timeoutMs !== undefined) resolved.timeoutMs = def.timeoutMs;
  }
  if (def?.severity !== undefined && resolved.severity === undefined) resolved.severity = def.severity;
  if (step.fallback) resolved.fallbackStep = resolveAlternative(step, step.fallback, 'its fallback', catalog, problems);
  if (step.undo) resolved.undoStep = resolveAlternative(step, step.undo, 'its undo', catalog, problems);
  return resolved;
}

/** A fallback or an undo: the step's other way, resolved like a step of its own (same id, one try). */
function resolveAlternative(step: PlanStep, alt: Fallback, what: string, catalog: Catalog, problems: string[]): ResolvedStep {
  const { fallback: _fallback, undo: _undo, ...rest } = step;
  const alternative: PlanStep = { ...rest, args: alt.args, retry: NO_RETRY };
  delete alternative.command;
  delete alternative.run;
  if (alt.command !== undefined) alternative.command = alt.command;
  if (alt.run !== undefined) alternative.run = alt.run;
  const before = problems.length;
  const resolved = resolveStep(alternative, catalog, problems);
  const where = `step "${step.id}"`;
  for (let i = before; i < problems.length; i++) problems[i] = (problems[i] ?? '').replace(where, `${where} (${what})`);
  return resolved;
}

function withDefaults(args: Record<string, unknown>, def: CommandDef): Record<string, unknown> {
  const out: Record<string, unknown> = { ...args };
  for (const [name, spec] of Object.entries(def.args)) if (spec.default !== undefined && !Object.hasOwn(out, name)) out[name] = spec.default;
  return out;
}

function isTemplated(value: unknown): boolean {
  return expressionsIn(value).length > 0;
}

function checkArgs(step: PlanStep, def: CommandDef, problems: string[]): void {
  const where = `step "${step.id}"`;
  for (const [name, value] of Object.entries(step.args)) {
    const spec = Object.hasOwn(def.args, name) ? def.args[name] : undefined;
    if (!spec) {
      const hint = hintFor(problems, name, Object.keys(def.args));
      const known = Object.keys(def.args).join(', ') || 'none';
      problems.push(`${where}: command "${def.name}" has no argument "${name}"${hint ? ` (${hint})` : ` (it takes: ${known})`}`);
      continue;
    }
    if (isTemplated(value)) continue;
    const checked = coerceArg(name, spec, value);
    if ('problem' in checked) problems.push(`${where}: ${checked.problem}`);
  }
  for (const [name, spec] of Object.entries(def.args)) {
    if (spec.required && spec.default === undefined && !Object.hasOwn(step.args, name)) {
      problems.push(`${where}: command "${def.name}" needs argument "${name}"`);
    }
  }
}

function checkExpressions(
  step: PlanStep,
  known: ReadonlySet<string>,
  dependsOn: (id: string, on: string) => boolean,
  vars: Record<string, unknown>,
  params: Record<string, ArgSpec>,
  problems: string[],
): void {
  const where = `step "${step.id}"`;
  if (step.forEach !== undefined && step.until !== undefined) problems.push(`${where}: give forEach or until, not both`);
  for (const p of secretProblems(step)) problems.push(p);
  // A loop's own condition, exports and undo read the step's own outputs.
  const selfReading = [...(step.until !== undefined ? [step.until] : []), ...expressionsIn(step.export), ...expressionsIn(step.undo?.args ?? {}), ...expressionsIn(step.undo?.run ?? [])];
  const expressions = [
    ...(step.if !== undefined ? [step.if] : []),
    ...expressionsIn(step.args),
    ...expressionsIn(step.run ?? []),
    ...expressionsIn(step.env),
    ...expressionsIn(step.fallback?.args ?? {}),
    ...expressionsIn(step.fallback?.run ?? []),
    ...(typeof step.forEach === 'string' ? expressionsIn(step.forEach) : []),
    ...expressionsIn(step.with),
    ...selfReading,
  ];
  for (const expression of expressions) {
    try {
      compile(expression);
    } catch (e) {
      problems.push(`${where}: ${errorMessage(e)}`);
      continue;
    }
    for (const ref of referencedSteps(expression)) {
      if (!known.has(ref)) {
        const hint = hintFor(problems, ref, known);
        problems.push(`${where}: "${expression}" reads unknown step "${ref}"${hint ? ` (${hint})` : ''}`);
      } else if (!dependsOn(step.id, ref) && !(ref === step.id && (selfReading.includes(expression) || step.until !== undefined))) {
        problems.push(`${where}: "${expression}" reads step "${ref}" but does not depend on it; add ${ref} to needs`);
      }
    }
    for (const name of referencedVars(expression)) {
      if (!Object.hasOwn(vars, name)) {
        const hint = hintFor(problems, name, Object.keys(vars));
        problems.push(`${where}: "${expression}" reads vars.${name}, which the plan does not define${hint ? ` (${hint})` : ''}`);
      }
    }
    for (const name of referencedVars(expression, 'params')) {
      if (!Object.hasOwn(params, name)) {
        const hint = hintFor(problems, name, Object.keys(params));
        problems.push(`${where}: "${expression}" reads params.${name}, which is not a declared parameter${hint ? ` (${hint})` : ''}`);
      }
    }
  }
}
