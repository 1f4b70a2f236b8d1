import { stringify as yamlText } from 'yaml';
import type { ArgSpec } from '../core/command.js';
import type { ErrorRule } from '../core/failure.js';
import type { ResolvedPlan, ResolvedStep } from '../core/planCheck.js';
import { argoCondition, argoItems, argoDeep, argoText, type ExprScope } from './argoExpressions.js';
import { STEP_PARAM, WORKSPACE_VOLUME, containerTemplate, type Obj, type Parameter } from './argoContainer.js';
import { NameBook, fieldName, generateName } from './argoNames.js';
import { outputsRead, readsStatus, stepNotes } from './argoReads.js';

/**
 * A resolved plan as one Argo Workflow: a DAG template for the plan and one for each nested
 * workflow (`uses:`), and a container template per command (steps whose templates come out the
 * same share one). Pure: plan in, plain object out, plus one line per feature Argo cannot hold.
 */
export interface ArgoOptions {
  /** The image every step runs in; it has baton installed (see argoContainer.ts). */
  image?: string;
  /** `spec.parallelism`: the config's or --parallel's limit. */
  parallel?: number;
  /** Resource sizes from the config, over the plan's own. */
  resources?: Readonly<Record<string, number>>;
  /** The config's error rules. */
  errorRules?: readonly ErrorRule[];
  /** The config's timeout for steps that set none. */
  defaultTimeoutMs?: number;
  /** The config has circuit breakers on. */
  breakers?: boolean;
  /** The shared workspace volume's size. */
  workspaceSize?: string;
}

export interface ArgoExport {
  workflow: Obj;
  /** `not expressible in Argo: ...` and `approximated in Argo: ...`, one line each. */
  notes: string[];
}

export const DEFAULT_IMAGE = 'baton:latest';

interface DagInfo {
  prefix: string;
  paramsRoot: ExprScope['paramsRoot'];
  params: Readonly<Record<string, ArgSpec>>;
  vars: Readonly<Record<string, unknown>>;
  outputs: Readonly<Record<string, unknown>>;
  /** Where the outputs come from, for messages: the plan or `template "x"`. */
  label: string;
  /** What a step's Baton id starts with: nothing at the top, the `uses` step's id (an input) inside. */
  idPrefix: string;
}

function parameterText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function toArgo(plan: ResolvedPlan, options: ArgoOptions = {}): ArgoExport {
  const notes: string[] = [];
  const note = (kind: 'not expressible' | 'approximated', text: string) => {
    const line = `${kind} in Argo: ${text}`;
    if (!notes.includes(line)) notes.push(line);
  };
  const book = new NameBook();
  const entry = book.take(fieldName(plan.name, 'main'));
  const templates: Obj[] = [];
  const byBody = new Map<string, string>();
  const register = (baseName: string, body: Obj): string => {
    const key = JSON.stringify(body);
    const known = byBody.get(key);
    if (known !== undefined) return known;
    const name = book.take(baseName);
    byBody.set(key, name);
    templates.push({ name, ...body });
    return name;
  };
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const reads = outputsRead(plan);
  const resources = { ...plan.resources, ...options.resources };

  const dag = (steps: readonly ResolvedStep[], info: DagInfo): Obj => {
    const tasks = new NameBook();
    const taskNames = new Map(steps.map((s) => [s.id.slice(info.prefix.length), tasks.take(fieldName(s.id.slice(info.prefix.length)))]));
    const scopeFor = (inLoop: boolean): ExprScope => ({
      task: (id) => {
        const name = taskNames.get(id);
        return name === undefined ? undefined : { name, loop: byId.get(info.prefix + id)?.forEach !== undefined };
      },
      paramsRoot: info.paramsRoot,
      params: new Set(Object.keys(info.params)),
      vars: info.vars,
      inLoop,
    });
    const dagTasks = steps.map((step) => {
      const local = step.id.slice(info.prefix.length);
      const scope = scopeFor(step.forEach !== undefined);
      const task: Obj = { name: taskNames.get(local) };
      let args: Parameter[];
      if (step.uses !== undefined && step.template) {
        const t = step.template;
        const children = plan.steps.filter((s) => s.scope?.group === step.id);
        const idPrefix = `{{inputs.parameters.${STEP_PARAM}}}.`;
        const body = dag(children, { prefix: `${step.id}.`, paramsRoot: 'inputs.parameters', params: t.params, vars: t.vars, outputs: t.outputs, label: `template "${t.name}"`, idPrefix });
        task.template = register(fieldName(t.name, 'workflow'), body);
        const problems: string[] = [];
        args = [{ name: STEP_PARAM, value: info.idPrefix + local }, ...Object.entries(step.with).map(([name, value]) => ({ name, value: parameterText(argoDeep(value, scope, problems)) }))];
        for (const p of problems) note('not expressible', `step "${step.id}": with: ${p} (baton step refuses the tasks that read it)`);
      } else {
        const made = containerTemplate(step, scope, {
          image: options.image ?? DEFAULT_IMAGE,
          planEnv: plan.env,
          resources,
          errorRules: options.errorRules ?? [],
          defaultTimeoutMs: options.defaultTimeoutMs,
          outputsRead: reads.get(step.id) ?? new Set(),
          loop: step.forEach !== undefined,
          stepId: info.idPrefix + local,
          note,
        });
        task.template = register(made.baseName, made.body);
        args = made.arguments;
      }
      if (args.length > 0) task.arguments = { parameters: args };
      const needs = step.needs.map((n) => n.slice(info.prefix.length));
      if (needs.length > 0) {
        // Baton skips a step whose need failed or was skipped, unless its `if:` reads that need's status.
        task.depends = needs
          .map((n) => {
            const t = taskNames.get(n) ?? fieldName(n);
            return step.if !== undefined && readsStatus(step.if, n) ? `(${t}.Succeeded || ${t}.Failed || ${t}.Errored || ${t}.Skipped || ${t}.Omitted)` : `${t}.Succeeded`;
          })
          .join(' && ');
      }
      if (step.if !== undefined) {
        const when = argoCondition(step.if, scope);
        if ('ok' in when) task.when = when.ok;
        else {
          task.when = 'false';
          note('not expressible', `step "${step.id}": condition ${when.problem} (the task never runs; write its when by hand)`);
        }
      }
      if (step.forEach !== undefined) {
        const items = argoItems(step.forEach, scope);
        if (!('ok' in items)) {
          task.withItems = [];
          note('not expressible', `step "${step.id}": forEach ${items.problem} (the task never runs)`);
        } else if ('items' in items.ok) task.withItems = items.ok.items;
        else task.withParam = items.ok.param;
      }
      if (step.continueOnError) task.continueOn = { failed: true, error: true };
      stepNotes(step, note);
      return task;
    });
    const body: Obj = {};
    const inputs = Object.entries(info.params).map(([name, spec]): Parameter => (spec.default !== undefined ? { name, default: parameterText(spec.default) } : { name }));
    if (info.paramsRoot === 'inputs.parameters') body.inputs = { parameters: [{ name: STEP_PARAM }, ...inputs] };
    const outputs = dagOutputs(info, scopeFor(false), note);
    if (outputs.length > 0) body.outputs = { parameters: outputs };
    // Baton lets independent branches go on when one fails.
    body.dag = { failFast: false, tasks: dagTasks };
    return body;
  };

  const main = dag(
    plan.steps.filter((s) => s.scope === undefined),
    { prefix: '', paramsRoot: 'workflow.parameters', params: plan.params, vars: plan.vars, outputs: plan.outputs, label: 'the plan', idPrefix: '' },
  );
  if (options.breakers) note('not expressible', 'circuit breakers (tasks run even after their command keeps failing)');

  const spec: Obj = { entrypoint: entry };
  const params = Object.entries(plan.params).map(([name, s]) => ({ name, value: s.default !== undefined ? parameterText(s.default) : '' }));
  if (params.length > 0) spec.arguments = { parameters: params };
  if (options.parallel !== undefined) spec.parallelism = options.parallel;
  spec.volumeClaimTemplates = [{ metadata: { name: WORKSPACE_VOLUME }, spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: options.workspaceSize ?? '10Gi' } } } }];
  spec.templates = [{ name: entry, ...main }, ...templates];
  const annotations: Record<string, string> = { 'baton.dev/plan': plan.name };
  if (plan.description !== undefined) annotations['workflows.argoproj.io/description'] = plan.description;
  const workflow: Obj = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: generateName(plan.name), annotations },
    spec,
  };
  return { workflow, notes };
}

/** A DAG's outputs: the plan's or template's `outputs`, each from its tasks' parameters. */
function dagOutputs(info: DagInfo, scope: ExprScope, note: (kind: 'not expressible', text: string) => void): Parameter[] {
  const out: Parameter[] = [];
  for (const [name, value] of Object.entries(info.outputs)) {
    const problems: string[] = [];
    const text = argoText(typeof value === 'string' ? value : JSON.stringify(value), scope, problems);
    for (const p of problems) note('not expressible', `${info.label}: output "${name}": ${p} (left out)`);
    if (problems.length === 0) out.push(text.includes('{{') ? { name, valueFrom: { parameter: text } } : { name, value: text });
  }
  return out;
}

/** The manifest as YAML, with the notes at its head so they travel with the file. */
export function argoYaml(exported: ArgoExport, source: string): string {
  const head = [
    `# Argo Workflow exported by \`baton export --format argo\` from ${source.replace(/[\r\n]+/g, ' ')}.`,
    '# Each step runs `baton step` in the image (baton installed, the plan folder as working directory);',
    '# outputs are read from /tmp/baton/outputs/<name>; steps share files on the "workspace" volume.',
    ...exported.notes.map((n) => `# ${n.replace(/[\r\n]+/g, ' ')}`),
  ];
  return `${head.join('\n')}\n${yamlText(exported.workflow, { lineWidth: 0 })}`;
}
