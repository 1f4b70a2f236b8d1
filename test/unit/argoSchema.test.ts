import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { ArgSpec } from '../../src/core/command.js';
import { parsePlan } from '../../src/core/planSchema.js';
import { resolvePlan, type Catalog, type TemplateDef } from '../../src/core/planCheck.js';
import { toArgo } from '../../src/export/argo.js';
import { loadPlanFile } from '../../src/cli/planFile.js';
import { loadCommands } from '../../src/registry/commands.js';
import { DEFAULT_CONFIG } from '../../src/registry/config.js';
import { loadTemplates } from '../../src/registry/templates.js';
import { manifest, type Manifest, type Task } from '../helpers/argoManifest.js';

type Json = Record<string, unknown>;

const ROOT = resolve(import.meta.dirname, '../..');
const SCHEMA = JSON.parse(readFileSync(join(ROOT, 'schemas/argo-workflow.schema.json'), 'utf8')) as Json;

// ajv-formats is CommonJS: under ESM its function is the module, which also carries it as .default.
const addFormats = addFormatsModule.default;

function validator(schema: Json) {
  // Kubernetes' schemas carry x-kubernetes-* and other keywords ajv does not know: not errors.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const f of ['int32', 'int64', 'double', 'float', 'byte']) ajv.addFormat(f, true);
  return ajv.compile(schema);
}

/**
 * The published schema lets unknown fields through (Kubernetes objects are open); this copy closes
 * every object that lists its properties, so a misspelt field (`retrystrategy`) fails too.
 */
function closed(schema: Json): Json {
  const copy = structuredClone(schema);
  for (const def of Object.values(copy.definitions as Record<string, Json>)) {
    if (def.properties && def.additionalProperties === undefined) def.additionalProperties = false;
  }
  return copy;
}

const validate = validator(SCHEMA);
const validateClosed = validator(closed(SCHEMA));

const registryDir = resolve(ROOT, 'test/fixtures'); // no .baton/ there: the built-in commands and templates only
const templates = loadTemplates(registryDir).templates;
const catalog: Catalog = { commands: loadCommands(registryDir).commands, templates, agents: DEFAULT_CONFIG.agents, resources: DEFAULT_CONFIG.resources };

/** A value of a parameter's type, for the required ones a template has no default for. */
function sample(spec: ArgSpec): unknown {
  return { path: 'iris', integer: 3, number: 0.5, boolean: true, list: ['a'], object: { a: 1 }, string: 'x', any: 'x' }[spec.type];
}

function asUse(t: TemplateDef) {
  const needed = Object.fromEntries(Object.entries(t.params).filter(([, s]) => s.required && s.default === undefined).map(([k, s]) => [k, sample(s)]));
  return parsePlan({ name: `${t.name}-run`, steps: [{ id: t.name.replace(/\W/g, '_'), uses: t.name, with: needed }] }, `template ${t.name}`);
}

/** Argo's own checks the schema cannot make (workflow/validate): names, and that every {{tag}} resolves. */
function argoProblems(wf: Manifest): string[] {
  const problems: string[] = [];
  const byName = new Map(wf.spec.templates.map((t) => [t.name, t]));
  const globals = new Set((wf.spec.arguments?.parameters ?? []).map((p) => `workflow.parameters.${p.name}`));
  const tagsIn = (value: unknown): string[] => [...(JSON.stringify(value) ?? '').matchAll(/\{\{([^=}][^}]*)\}\}/g)].map((m) => m[1] ?? '');
  for (const t of byName.values()) {
    if (!/^[a-zA-Z0-9][-a-zA-Z0-9]*$/.test(t.name) || t.name.length > 128) problems.push(`template name ${t.name}`);
    const inputs = new Set((t.inputs?.parameters ?? []).map((p) => `inputs.parameters.${p.name}`));
    for (const p of [...(t.inputs?.parameters ?? []), ...(t.outputs?.parameters ?? [])]) if (!/^[-a-zA-Z0-9_]+$/.test(p.name)) problems.push(`parameter name ${p.name}`);
    const known = (tag: string, tasks: ReadonlyMap<string, Task>, loop: boolean): boolean => {
      if (inputs.has(tag) || globals.has(tag) || tag === 'workflow.name' || (loop && /^item(\.\w+)?$/.test(tag))) return true;
      const m = /^tasks\.([^.]+)\.(?:status|outputs\.parameters\.(.+))$/.exec(tag);
      const target = m ? tasks.get(m[1] ?? '') : undefined;
      if (!m || !target) return false;
      return m[2] === undefined || (byName.get(target.template)?.outputs?.parameters ?? []).some((o) => o.name === m[2]);
    };
    if (t.dag) {
      const tasks = new Map(t.dag.tasks.map((k) => [k.name, k]));
      for (const k of tasks.values()) {
        if (!/^[a-zA-Z0-9][-a-zA-Z0-9]*$/.test(k.name)) problems.push(`task name ${k.name}`);
        if (!byName.has(k.template)) problems.push(`task ${k.name}: no template ${k.template}`);
        const loop = k.withItems !== undefined || k.withParam !== undefined;
        for (const tag of tagsIn([k.arguments, k.when, k.withParam, k.withItems])) if (!known(tag, tasks, loop)) problems.push(`task ${k.name}: {{${tag}}}`);
        const given = new Set((k.arguments?.parameters ?? []).map((p) => p.name));
        for (const p of byName.get(k.template)?.inputs?.parameters ?? []) if (p.default === undefined && !given.has(p.name)) problems.push(`task ${k.name}: no value for ${p.name}`);
      }
      for (const tag of tagsIn(t.outputs)) if (!known(tag, tasks, false)) problems.push(`template ${t.name} outputs: {{${tag}}}`);
    } else {
      // pod.name is there for a container; tasks are not.
      for (const tag of tagsIn(t.container)) if (tag !== 'pod.name' && !known(tag, new Map(), false)) problems.push(`template ${t.name}: {{${tag}}}`);
    }
  }
  return problems;
}

const examples = readdirSync(join(ROOT, 'examples')).filter((f) => /\.ya?ml$/.test(f));

const cases: [string, () => Manifest][] = [
  ...examples.map((f): [string, () => Manifest] => [`examples/${f}`, () => {
    const loaded = loadPlanFile(join('examples', f), ROOT);
    return manifest(toArgo(resolvePlan(loaded.plan, catalog, loaded.source), { parallel: 3, breakers: true }).workflow);
  }]),
  ...[...templates.values()].flatMap((t): [string, () => Manifest][] => [
    [`template ${t.name} as a plan`, () => manifest(toArgo(resolvePlan(t, catalog, t.source)).workflow)],
    [`template ${t.name} used by a step`, () => manifest(toArgo(resolvePlan(asUse(t), catalog, t.source)).workflow)],
  ]),
];

describe('exported manifests against Argo Workflows v4.1.2\'s published JSON schema', () => {
  it('covers every flagship template and example', () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
    expect(templates.size).toBeGreaterThanOrEqual(7);
  });

  it.each(cases)('%s validates, field names included, and every tag resolves', (_name, make) => {
    const wf = make();
    expect(validate(wf), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(validateClosed(wf), JSON.stringify(validateClosed.errors?.slice(0, 3))).toBe(true);
    expect(argoProblems(wf)).toEqual([]);
  });

  it('rejects a manifest with a wrong field, so the checks above can fail', () => {
    const loaded = loadPlanFile('examples/pipeline.yaml', ROOT);
    const wf = manifest(toArgo(resolvePlan(loaded.plan, catalog, loaded.source)).workflow);
    const misspelt = structuredClone(wf) as unknown as { spec: { templates: Json[] } };
    misspelt.spec.templates[1] = { ...misspelt.spec.templates[1], retrystrategy: { limit: '2' } };
    expect(validate(misspelt)).toBe(true);
    expect(validateClosed(misspelt)).toBe(false);
    const mistyped = structuredClone(wf) as unknown as { spec: Json };
    mistyped.spec.parallelism = 'three';
    expect(validate(mistyped)).toBe(false);
    const dangling = structuredClone(wf);
    const validateTask = dangling.spec.templates[0]?.dag?.tasks.find((t) => t.name === 'validate');
    const dataset = validateTask?.arguments?.parameters.find((p) => p.name === 'dataset');
    if (!dataset) throw new Error('the pipeline has no validate task reading a dataset');
    dataset.value = '{{tasks.nope.outputs.parameters.path}}';
    expect(argoProblems(dangling)).toEqual(['task validate: {{tasks.nope.outputs.parameters.path}}']);
  });
});
