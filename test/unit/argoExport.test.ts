import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { CommandDef } from '../../src/core/command.js';
import { parsePlan } from '../../src/core/planSchema.js';
import { resolvePlan, type Catalog, type TemplateDef } from '../../src/core/planCheck.js';
import { argoYaml, toArgo, type ArgoOptions } from '../../src/export/argo.js';
import { parseTemplateFile } from '../../src/registry/templates.js';
import { agent, arg, commandDef } from './helpers.js';
import { args, manifest, task, taskTemplate, template, type Manifest } from '../helpers/argoManifest.js';

const commands: CommandDef[] = [
  commandDef({ name: 'train', capability: 'training', args: { dataset: arg('path', { required: true }), model: arg('string', { default: 'random-forest' }), folds: arg('integer', { default: 5 }), params: arg('object') }, outputs: ['model', 'accuracy'] }),
  commandDef({ name: 'evaluate', capability: 'evaluation', args: { model: arg('path', { required: true }) }, outputs: ['accuracy', 'f1'] }),
  commandDef({ name: 'deploy', capability: 'deployment', args: { model: arg('path'), env: arg('string', { default: 'staging' }) }, outputs: ['version'], severity: 'critical' }),
  commandDef({ name: 'list', capability: 'data', outputs: ['models'] }),
];

const HOLDOUT = parseTemplateFile(
  `
name: holdout
params:
  dataset: { type: path, required: true }
  model: { type: string, default: decision-tree }
outputs:
  accuracy: "\${{ steps.evaluate.outputs.accuracy }}"
steps:
  - id: train
    command: train
    args: { dataset: "\${{ params.dataset }}", model: "\${{ params.model }}" }
  - id: evaluate
    command: evaluate
    args: { model: "\${{ steps.train.outputs.model }}" }
    needs: [train]
`,
  'holdout.yaml',
);

const catalog: Catalog = {
  commands: new Map(commands.map((c) => [c.name, c])),
  templates: new Map<string, TemplateDef>([['holdout', HOLDOUT]]),
  agents: [agent('data', ['data']), agent('trainer', ['training']), agent('evaluator', ['evaluation']), agent('deployer', ['deployment']), agent('shell', ['shell'])],
  resources: {},
};

function exported(yaml: string, options: ArgoOptions = {}): { wf: Manifest; notes: string[] } {
  const plan = resolvePlan(parsePlan(parseYaml(yaml), 'p.yaml', 'p'), catalog, 'p.yaml');
  const { workflow, notes } = toArgo(plan, options);
  return { wf: manifest(workflow), notes };
}

describe('baton export --format argo: the translation', () => {
  it('writes one Workflow whose DAG tasks are the steps, with dependencies from needs and sanitized names', () => {
    const { wf } = exported(`
name: Churn Model_v2
steps:
  - { id: prep_data, run: [python, prep.py, --rows, "10"] }
  - { id: _train, command: train, args: { dataset: "\${{ steps.prep_data.outputs.path }}" }, needs: [prep_data] }
  - { id: train, command: train, args: { dataset: data.csv, model: knn }, needs: [prep_data] }
  - { id: report, run: [echo, done], needs: [_train, train] }
`);
    expect(wf.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(wf.kind).toBe('Workflow');
    expect(wf.metadata.generateName).toBe('churn-model-v2-');
    expect(wf.spec.entrypoint).toBe('churn-model-v2');
    expect(template(wf, 'churn-model-v2').dag?.failFast).toBe(false);
    const names = template(wf, 'churn-model-v2').dag?.tasks.map((t) => t.name);
    // `_train` and `train` both become "train": the first keeps it, the other gets -2, in plan order.
    expect(names).toEqual(['prep-data', 'train', 'train-2', 'report']);
    expect(task(wf, 'train').depends).toBe('prep-data.Succeeded');
    expect(task(wf, 'report').depends).toBe('train.Succeeded && train-2.Succeeded');
    expect(args(task(wf, 'train'))).toEqual({ 'baton-step': '_train', dataset: '{{tasks.prep-data.outputs.parameters.path}}' });
    expect(args(task(wf, 'train-2'))).toEqual({ 'baton-step': 'train', dataset: 'data.csv', model: 'knn' });
    // Both train steps share the command's template, which takes every argument of the command;
    // one the task leaves out is empty, and baton step fills its default in.
    expect(task(wf, 'train').template).toBe('train');
    expect(task(wf, 'train-2').template).toBe('train');
    const train = template(wf, 'train');
    expect(train.container?.command).toEqual(['baton', 'step', 'train']);
    expect(train.inputs?.parameters).toEqual([{ name: 'baton-step' }, { name: 'dataset' }, { name: 'model', default: '' }, { name: 'folds', default: '' }, { name: 'params', default: '' }]);
    expect(train.container?.env).toContainEqual({ name: 'BATON_ARG_model', value: '{{inputs.parameters.model}}' });
    // The run step is a container with its argv, and declares the output another step reads.
    const prep = taskTemplate(wf, 'prep-data');
    expect(prep.container?.command).toEqual(['baton', 'step', 'exec', '--']);
    expect(prep.container?.args).toEqual(['python', 'prep.py', '--rows', '10']);
    expect(prep.outputs?.parameters).toEqual([{ name: 'path', valueFrom: { path: '/tmp/baton/outputs/path', default: '' } }]);
  });

  it('translates if: into when (comparisons, &&, ||, !, in, vars, status), and else into the negation', () => {
    const { wf, notes } = exported(`
vars: { threshold: 0.9, stage: prod }
steps:
  - { id: train, command: train, args: { dataset: d.csv }, continueOnError: true }
  - id: deploy
    command: deploy
    needs: [train]
    if: steps.train.outputs.accuracy > vars.threshold && (steps.train.outputs.model == "knn" || !(steps.train.outputs.accuracy < 0.5))
    else: [explain]
  - { id: explain, run: [echo, low] }
  - { id: rescue, run: [echo, rescue], needs: [train], if: 'steps.train.status == "failed"' }
  - { id: pick, run: [echo, pick], needs: [train], if: 'steps.train.outputs.model in ["knn", "tree"]' }
`);
    expect(task(wf, 'deploy').when).toBe('{{tasks.train.outputs.parameters.accuracy}} > 0.9 && ("{{tasks.train.outputs.parameters.model}}" == "knn" || !({{tasks.train.outputs.parameters.accuracy}} < 0.5))');
    expect(task(wf, 'explain').when).toBe('!({{tasks.train.outputs.parameters.accuracy}} > 0.9 && ("{{tasks.train.outputs.parameters.model}}" == "knn" || !({{tasks.train.outputs.parameters.accuracy}} < 0.5)))');
    expect(task(wf, 'explain').depends).toBe('train.Succeeded');
    // A condition on a need's status runs whatever that need's outcome; the others wait for success.
    expect(task(wf, 'rescue').when).toBe('"{{tasks.train.status}}" == "Failed"');
    expect(task(wf, 'rescue').depends).toBe('(train.Succeeded || train.Failed || train.Errored || train.Skipped || train.Omitted)');
    expect(task(wf, 'pick').when).toBe('("{{tasks.train.outputs.parameters.model}}" == "knn" || "{{tasks.train.outputs.parameters.model}}" == "tree")');
    expect(task(wf, 'train').continueOn).toEqual({ failed: true, error: true });
    expect(notes.filter((n) => n.includes('condition'))).toEqual([]);
  });

  it('reports a condition it cannot translate and never runs that task rather than running it ungated', () => {
    const { wf, notes } = exported(`
steps:
  - { id: train, command: train, args: { dataset: d.csv } }
  - { id: deploy, command: deploy, needs: [train], if: 'size(steps.train.outputs.model) > 3 && store.approved' }
`);
    expect(task(wf, 'deploy').when).toBe('false');
    expect(notes).toContain('not expressible in Argo: step "deploy": condition "size(steps.train.outputs.model) > 3 && store.approved" calls a function (the task never runs; write its when by hand)');
  });

  it('turns forEach over a list into withItems, and over another step\'s output into withParam', () => {
    const { wf, notes } = exported(`
steps:
  - { id: models, command: list }
  - { id: sweep, command: train, forEach: [knn, tree], args: { dataset: d.csv, model: "\${{ item }}" } }
  - { id: sweep2, command: train, needs: [models], forEach: "\${{ steps.models.outputs.models }}", args: { dataset: "out/\${{ item }}.csv" } }
  - { id: numbered, run: [echo, "\${{ index }}"], forEach: [a, b] }
`);
    expect(task(wf, 'sweep').withItems).toEqual(['knn', 'tree']);
    expect(args(task(wf, 'sweep')).model).toBe('{{item}}');
    expect(task(wf, 'sweep2').withParam).toBe('{{tasks.models.outputs.parameters.models}}');
    expect(args(task(wf, 'sweep2')).dataset).toBe('out/{{item}}.csv');
    // Each instance gets a step id (and so an artifacts folder) of its own.
    const env = taskTemplate(wf, 'sweep').container?.env ?? [];
    expect(env.find((e) => e.name === 'BATON_STEP_ID')?.value).toBe('{{inputs.parameters.baton-step}}-{{pod.name}}');
    expect(notes).toContain(`not expressible in Argo: step "numbered": run[1]: "index" reads index, which Argo's withItems does not give (baton step refuses the task)`);
    const numbered = taskTemplate(wf, 'numbered');
    // Argo gets plain text in its place (a {{ left in would stop the manifest at submission).
    expect(args(task(wf, 'numbered'))['argv-1']).toBe('<not expressible in Argo: index>');
    expect(numbered.container?.args).toEqual(['echo', '{{inputs.parameters.argv-1}}']);
  });

  it('maps the retry policy, timeout and resources onto retryStrategy, activeDeadlineSeconds and synchronization', () => {
    const { wf, notes } = exported(
      `
resources: { gpu: 1, slots: 3 }
steps:
  - id: train
    command: train
    args: { dataset: d.csv }
    retry: { attempts: 4, backoff: fixed, initial: 500ms, max: 5s, jitter: true, on: [transient] }
    errors: [{ class: permanent, exitCodes: [3] }, { class: transient, exitCodes: [2] }]
    timeout: 90s
    resources: [gpu, slots]
  - { id: tune, command: train, args: { dataset: d.csv }, retry: { attempts: 2, on: [resource] } }
`,
      { parallel: 4 },
    );
    const t = taskTemplate(wf, 'train');
    expect(t.retryStrategy).toEqual({
      limit: '3',
      retryPolicy: 'Always',
      backoff: { duration: '500ms', factor: '1', cap: '5s' },
      // The step's own rule makes exit 2 transient (retried); 3, 126, 127 are permanent and 137 is resource.
      expression: '!(asInt(lastRetry.exitCode) in [3, 126, 127, 137])',
    });
    expect(t.activeDeadlineSeconds).toBe('90');
    expect(t.synchronization).toEqual({ mutexes: [{ name: 'baton-gpu' }], semaphores: [{ configMapKeyRef: { name: 'baton-resources', key: 'slots' } }] });
    // Only out-of-memory kills are worth another try here.
    expect(taskTemplate(wf, 'tune').retryStrategy).toMatchObject({ limit: '1', retryPolicy: 'OnFailure', backoff: { duration: '1s', factor: '2', cap: '60s' }, expression: '(asInt(lastRetry.exitCode) in [137])' });
    expect(wf.spec.parallelism).toBe(4);
    expect(notes).toEqual(
      expect.arrayContaining([
        'approximated in Argo: step "train": retry jitter (Argo backs off without it)',
        'approximated in Argo: resource "slots" (3 holders) is a semaphore: create ConfigMap baton-resources with slots: "3"',
        'not expressible in Argo: step "train": retry decisions from log patterns and self-healing remedies (Argo retries by exit code, unchanged)',
      ]),
    );
    expect(exported('steps: [{ id: a, run: [echo] }]').wf.spec.parallelism).toBeUndefined();
  });

  it('writes a uses: step as a nested DAG template with parameters and outputs, shared by every use', () => {
    const { wf } = exported(`
params:
  data: { type: path, default: iris }
steps:
  - { id: first, uses: holdout, with: { dataset: "\${{ params.data }}" } }
  - { id: second, uses: holdout, with: { dataset: other.csv, model: knn } }
  - { id: gate, run: [echo, ok], needs: [first], if: steps.first.outputs.accuracy >= 0.8 }
`);
    expect(wf.spec.arguments).toEqual({ parameters: [{ name: 'data', value: 'iris' }] });
    expect(task(wf, 'first').template).toBe('holdout');
    expect(task(wf, 'second').template).toBe('holdout');
    expect(args(task(wf, 'first'))).toEqual({ 'baton-step': 'first', dataset: '{{workflow.parameters.data}}' });
    const nested = template(wf, 'holdout');
    expect(nested.inputs?.parameters).toEqual([{ name: 'baton-step' }, { name: 'dataset' }, { name: 'model', default: 'decision-tree' }]);
    expect(nested.outputs?.parameters).toEqual([{ name: 'accuracy', valueFrom: { parameter: '{{tasks.evaluate.outputs.parameters.accuracy}}' } }]);
    // The steps inside are named after the use they run in: first.train, second.train.
    expect(args(task(wf, 'train', 'holdout'))).toEqual({ 'baton-step': '{{inputs.parameters.baton-step}}.train', dataset: '{{inputs.parameters.dataset}}', model: '{{inputs.parameters.model}}' });
    expect(task(wf, 'evaluate', 'holdout').depends).toBe('train.Succeeded');
    expect(task(wf, 'gate').when).toBe('{{tasks.first.outputs.parameters.accuracy}} >= 0.8');
    // The evaluate step inside declares the accuracy the nested DAG hands up.
    expect(taskTemplate(wf, 'evaluate', 'holdout').outputs?.parameters.map((p) => p.name)).toEqual(['accuracy']);
  });

  it('computes a value Argo can evaluate as an expression tag', () => {
    const { wf } = exported(`
steps:
  - { id: a, command: train, args: { dataset: d.csv } }
  - { id: b, command: train, args: { dataset: d.csv, model: knn } }
  - id: pick
    command: evaluate
    needs: [a, b]
    args: { model: "\${{ steps.a.outputs.accuracy >= steps.b.outputs.accuracy ? steps.a.outputs.model : steps.b.outputs.model }}" }
`);
    expect(args(task(wf, 'pick')).model).toBe('{{=((asFloat(tasks.a.outputs.parameters.accuracy) >= asFloat(tasks.b.outputs.parameters.accuracy)) ? tasks.a.outputs.parameters.model : tasks.b.outputs.parameters.model)}}');
  });

  it('reports, one line each, what Argo cannot hold, and never drops it silently', () => {
    const { notes } = exported(`
steps:
  - { id: refine, run: [python, refine.py], until: outputs.loss < 0.2, maxIterations: 4 }
  - { id: big, command: train, args: { dataset: d.csv }, fallback: { command: train, args: { dataset: d.csv, model: tree } } }
  - { id: ship, command: deploy, checkpoint: true, undo: { command: deploy, args: { env: previous } }, export: { version: "\${{ steps.ship.outputs.version }}" } }
  - { id: token, run: [echo], env: { TOKEN: "\${{ store.token }}" }, priority: 5 }
`, { breakers: true });
    expect(notes).toEqual(
      expect.arrayContaining([
        'not expressible in Argo: step "refine": until loop "outputs.loss < 0.2" (runs once)',
        'not expressible in Argo: step "big": fallback (a failure is final)',
        'not expressible in Argo: step "ship": undo (nothing rolls it back)',
        'not expressible in Argo: step "ship": checkpoint (no rollback to it)',
        'not expressible in Argo: step "ship": export of version to the store (nothing is stored)',
        'not expressible in Argo: step "ship": severity critical (a failure neither stops nor rolls back the run)',
        'not expressible in Argo: step "token": env.TOKEN: "store.token" reads a stored variable (store.*), which Argo does not have (baton step refuses the task)',
        'not expressible in Argo: step "token": priority 5 (Argo starts ready tasks in its own order)',
        'not expressible in Argo: circuit breakers (tasks run even after their command keeps failing)',
      ]),
    );
    for (const n of notes) expect(n).toMatch(/^(not expressible|approximated) in Argo: [^\n]+$/);
  });

  it('inlines vars, reads plan params from the workflow, and applies the config timeout to steps without one', () => {
    const { wf, notes } = exported(
      `
name: ${'x'.repeat(80)}
vars: { models: [knn, tree], name: churn }
params:
  rows: { type: integer, default: 100 }
steps:
  - { id: sweep, command: train, forEach: "\${{ vars.models }}", args: { dataset: "data/\${{ vars.name }}.csv", folds: "\${{ params.rows }}" } }
  - { id: upload, run: [echo, "\${{ run.id }}"], env: { TOKEN: "\${{ secrets.HF_TOKEN }}" }, timeout: 5s }
`,
      { defaultTimeoutMs: 120_000 },
    );
    expect(wf.metadata.generateName).toBe(`${'x'.repeat(57)}-`);
    expect(task(wf, 'sweep').withItems).toEqual(['knn', 'tree']);
    expect(args(task(wf, 'sweep'))).toMatchObject({ dataset: 'data/churn.csv', folds: '{{workflow.parameters.rows}}' });
    expect(wf.spec.arguments?.parameters).toEqual([{ name: 'rows', value: '100' }]);
    expect(taskTemplate(wf, 'sweep').activeDeadlineSeconds).toBe('120');
    expect(taskTemplate(wf, 'upload').activeDeadlineSeconds).toBe('5');
    expect(args(task(wf, 'upload'))).toMatchObject({ 'argv-1': '{{workflow.name}}', 'env-TOKEN': '<not expressible in Argo: secrets.HF_TOKEN>' });
    expect(notes).toContain('not expressible in Argo: step "upload": env.TOKEN: "secrets.HF_TOKEN" reads a Baton secret; use a Kubernetes Secret in the container instead (baton step refuses the task)');
  });

  it('renders YAML that parses back to the same manifest, with the notes in its head', () => {
    const plan = resolvePlan(parsePlan(parseYaml('steps: [{ id: loop, run: [echo], until: "outputs.n > 1" }]'), 'p.yaml', 'p'), catalog, 'p.yaml');
    const result = toArgo(plan, { image: 'ghcr.io/acme/baton:1.2' });
    const text = argoYaml(result, 'p.yaml');
    expect(parseYaml(text)).toEqual(result.workflow);
    expect(text).toMatch(/^# Argo Workflow exported by `baton export --format argo` from p\.yaml\./);
    expect(text).toContain('# not expressible in Argo: step "loop": until loop "outputs.n > 1" (runs once)');
    expect(template(manifest(result.workflow), 'run-loop').container?.image).toBe('ghcr.io/acme/baton:1.2');
  });
});
