import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { baton, tempProject } from '../helpers/cli.js';
import { args, manifest, task, taskTemplate } from '../helpers/argoManifest.js';

const PLAN = `
name: nightly
vars: { threshold: 0.5 }
steps:
  - id: count
    run: [sh, -c, 'echo "n=4" >> "$BATON_OUTPUT"']
  - id: double
    run: [sh, -c, 'echo "value=$(( $1 * 2 ))" >> "$BATON_OUTPUT"', sh, "\${{ steps.count.outputs.n }}"]
    needs: [count]
    if: steps.count.outputs.n > vars.threshold
  - id: polish
    run: [sh, -c, 'echo "loss=0.1" >> "$BATON_OUTPUT"']
    until: outputs.loss < 0.2
`;

// A command of the project's own: argv, with its arguments substituted, like the engine does.
const GREET = `---
name: greet
description: Greets someone and counts the letters
capability: shell
args:
  who: { type: string, required: true }
  times: { type: integer, default: 1 }
outputs: [letters]
run: [sh, -c, 'echo "hello $1 x$2"; printf "letters=%s\\n" "\${#1}" >> "$BATON_OUTPUT"', sh, "\${{ args.who }}", "\${{ args.times }}"]
---
Greets.
`;

function oneLineError(stderr: string): string {
  const lines = stderr.trim().split('\n');
  // The message, and at most a hint under it; never a stack trace.
  expect(lines.length).toBeLessThanOrEqual(2);
  if (lines[1] !== undefined) expect(lines[1]).toMatch(/^ {2}hint: /);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0] ?? '';
}

describe('baton export --format argo (the real CLI)', () => {
  it('prints the manifest as YAML on stdout and what Argo cannot hold on stderr', () => {
    const dir = tempProject({ 'nightly.yaml': PLAN });
    const r = baton(dir, ['export', 'nightly.yaml', '--format', 'argo', '--image', 'registry.local/baton:2']);
    expect(r.code).toBe(0);
    const wf = manifest(parseYaml(r.stdout) as Record<string, unknown>);
    expect(wf.kind).toBe('Workflow');
    expect(wf.metadata.generateName).toBe('nightly-');
    expect(task(wf, 'double').when).toBe('{{tasks.count.outputs.parameters.n}} > 0.5');
    expect(task(wf, 'double').depends).toBe('count.Succeeded');
    expect(args(task(wf, 'double'))['argv-4']).toBe('{{tasks.count.outputs.parameters.n}}');
    expect(taskTemplate(wf, 'count').container?.image).toBe('registry.local/baton:2');
    expect(r.stderr.trim().split('\n')).toEqual(['not expressible in Argo: step "polish": until loop "outputs.loss < 0.2" (runs once)', 'not expressible in Argo: circuit breakers (tasks run even after their command keeps failing)']);
    // The notes travel with the manifest too.
    expect(r.stdout).toContain('# not expressible in Argo: step "polish": until loop');
  });

  it('writes the manifest to a file with -o, and exports templates, stored runs and JSON alike', () => {
    const dir = tempProject({ 'nightly.yaml': PLAN });
    const r = baton(dir, ['export', 'nightly.yaml', '-o', 'nightly.argo.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('wrote nightly.argo.yaml: Argo Workflow for nightly (3 tasks, 2 notes above)');
    const written = manifest(parseYaml(readFileSync(join(dir, 'nightly.argo.yaml'), 'utf8')) as Record<string, unknown>);
    expect(written.spec.templates.map((t) => t.name)).toEqual(['nightly', 'run-count', 'run-double', 'run-polish']);

    // A template, with its parameters as NAME=VALUE, as `baton run` takes it.
    const t = baton(dir, ['export', 'train-and-evaluate', 'dataset=iris', 'model=knn']);
    expect(t.code).toBe(0);
    const tw = manifest(parseYaml(t.stdout) as Record<string, unknown>);
    expect(args(task(tw, 'train-and-evaluate'))).toEqual({ 'baton-step': 'train_and_evaluate', dataset: 'iris', model: 'knn' });

    // A stored run's plan, by id, as `baton resume` takes it.
    const run = baton(dir, ['run', 'nightly.yaml', '--yes', '--json']);
    expect(run.code).toBe(0);
    const id = (JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as { run: string }).run;
    const fromRun = baton(dir, ['export', id, '--json']);
    expect(fromRun.code).toBe(0);
    const jw = manifest(JSON.parse(fromRun.stdout) as Record<string, unknown>);
    expect(jw.metadata.generateName).toBe('nightly-');
    expect(task(jw, 'double').when).toBe('{{tasks.count.outputs.parameters.n}} > 0.5');
  });

  it('refuses a format it does not know, a missing plan and an unknown run with one line and exit 2', () => {
    const dir = tempProject({ 'nightly.yaml': PLAN });
    const bad = baton(dir, ['export', 'nightly.yaml', '--format', 'tekton']);
    expect(bad.code).toBe(2);
    expect(oneLineError(bad.stderr)).toBe('baton: unknown export format "tekton"');
    expect(bad.stdout).toBe('');

    const missing = baton(dir, ['export', 'nope.yaml', '--format', 'argo']);
    expect(missing.code).toBe(2);
    expect(oneLineError(missing.stderr)).toBe('baton: no plan file nope.yaml');

    const noRun = baton(dir, ['export', 'abcd1234']);
    expect(noRun.code).toBe(2);
    expect(oneLineError(noRun.stderr)).toBe('baton: no run "abcd1234": this project has no runs yet');

    const unwritable = baton(dir, ['export', 'nightly.yaml', '-o', 'no/such/dir/x.yaml']);
    expect(unwritable.code).toBe(2);
    expect(oneLineError(unwritable.stderr)).toMatch(/^baton: cannot write no\/such\/dir\/x\.yaml: ENOENT/);
  });
});

describe('baton step (the container side of the export)', () => {
  it('runs a command with its arguments from BATON_ARG_<name> and writes each output to a file', () => {
    const dir = tempProject({ '.baton/commands/greet.md': GREET });
    const out = join(dir, 'outputs');
    const r = baton(dir, ['step', 'greet'], { BATON_ARG_who: 'ada', BATON_ARG_times: '', BATON_OUTPUTS_DIR: out });
    expect(r.code).toBe(0);
    // An empty value is an argument not given: the default (1) fills in.
    expect(r.stdout).toContain('hello ada x1');
    expect(readFileSync(join(out, 'letters'), 'utf8')).toBe('3');

    const run = baton(dir, ['step', 'exec', '--', 'sh', '-c', 'echo "n=4" >> "$BATON_OUTPUT"; echo \'{"a":1}\' > /dev/null'], { BATON_OUTPUTS_DIR: out });
    expect(run.code).toBe(0);
    expect(readFileSync(join(out, 'n'), 'utf8')).toBe('4');
    expect(readdirSync(out).filter((f) => !f.startsWith('.')).sort()).toEqual(['letters', 'n']);

    const failing = baton(dir, ['step', 'exec', '--', 'sh', '-c', 'exit 3'], { BATON_OUTPUTS_DIR: out });
    expect(failing.code).toBe(3);
  });

  it('refuses, with one line and exit 2, what the export could not translate and arguments the command lacks', () => {
    const dir = tempProject({ '.baton/commands/greet.md': GREET });
    const out = join(dir, 'outputs');
    const marker = baton(dir, ['step', 'greet'], { BATON_ARG_who: '<not expressible in Argo: store.name>', BATON_OUTPUTS_DIR: out });
    expect(marker.code).toBe(2);
    expect(oneLineError(marker.stderr)).toBe('baton: argument "who" holds a Baton expression the export could not translate: <not expressible in Argo: store.name>');
    const env = baton(dir, ['step', 'exec', '--', 'true'], { TOKEN: '<not expressible in Argo: secrets.HF_TOKEN>', BATON_OUTPUTS_DIR: out });
    expect(env.code).toBe(2);
    expect(oneLineError(env.stderr)).toBe('baton: TOKEN holds a Baton expression the export could not translate: <not expressible in Argo: secrets.HF_TOKEN>');
    const unknown = baton(dir, ['step', 'greet'], { BATON_ARG_who: 'x', BATON_ARG_colour: 'red', BATON_OUTPUTS_DIR: out });
    expect(unknown.code).toBe(2);
    expect(oneLineError(unknown.stderr)).toBe('baton: command "greet" has no argument "colour" (from BATON_ARG_colour)');
    const missing = baton(dir, ['step', 'greet'], { BATON_OUTPUTS_DIR: out });
    expect(missing.code).toBe(2);
    expect(oneLineError(missing.stderr)).toBe('baton: command "greet" needs argument "who"');
    expect(existsSync(join(out, 'letters'))).toBe(false);
  });
});
