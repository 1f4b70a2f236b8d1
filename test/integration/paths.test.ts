import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baton, json, ROOT, tempProject } from '../helpers/cli.js';

interface StepOut {
  id: string;
  status: string;
  outputs: Record<string, unknown>;
  error?: string;
  errorClass?: string;
  attempts?: number;
}
interface RunOut {
  run: string;
  status: string;
  steps: StepOut[];
}

/** A folder outside any project, where nothing may be written. */
function outsideDir(): string {
  return realpathSync(mkdtempSync(join(tmpdir(), 'baton-outside-')));
}

function step(run: RunOut, id: string): StepOut {
  const s = run.steps.find((x) => x.id === id);
  if (!s) throw new Error(`no step ${id} in ${JSON.stringify(run.steps.map((x) => x.id))}`);
  return s;
}

const commandFile = (name: string, text: string) => `---\nname: ${name}\ndescription: ${name} command\ncapability: shell\nrun: [sh, -c, 'echo ${text} >> "$BATON_PROJECT_DIR/effects"']\n---\n`;

describe('command files and templates stay inside the project', () => {
  it('a link leading out of the project is refused with one warning naming it; the other files load', () => {
    const outside = outsideDir();
    writeFileSync(join(outside, 'evil.md'), commandFile('evil', 'evil'));
    writeFileSync(join(outside, 'sneaky.md'), commandFile('sneaky', 'sneaky'));
    writeFileSync(join(outside, 'tpl.yaml'), 'steps:\n  - { id: a, run: ["true"] }\n');
    const dir = tempProject({
      '.baton/commands/good.md': commandFile('good', 'good'),
      'shared/inside.md': commandFile('inside', 'inside'),
      'plan.yaml': 'steps:\n  - { id: a, command: good }\n  - { id: b, command: inside }\n',
      'evil.yaml': 'steps:\n  - { id: a, command: evil }\n',
    });
    symlinkSync(join(outside, 'evil.md'), join(dir, '.baton/commands/evil.md'));
    // A relative link whose .. climbs out of the project.
    symlinkSync(`../../../${basename(outside)}/sneaky.md`, join(dir, '.baton/commands/sneaky.md'));
    // A link that stays inside the project is fine.
    symlinkSync('../../shared/inside.md', join(dir, '.baton/commands/inside.md'));
    mkdirSync(join(dir, '.baton/templates'));
    symlinkSync(join(outside, 'tpl.yaml'), join(dir, '.baton/templates/outside.yaml'));

    const r = baton(dir, ['run', 'plan.yaml', '--yes', '--json']);
    expect(r.code).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('baton: warning:'));
    expect(warnings).toHaveLength(3);
    expect(r.stderr).toMatch(new RegExp(`^baton: warning: \\.baton/commands/evil\\.md is a symbolic link to ${outside}/evil\\.md, outside ${dir}: not loaded`, 'm'));
    expect(r.stderr).toMatch(/^baton: warning: \.baton\/commands\/sneaky\.md is a symbolic link to .*sneaky\.md, outside .*: not loaded/m);
    expect(r.stderr).toMatch(/^baton: warning: \.baton\/templates\/outside\.yaml is a symbolic link to .*tpl\.yaml, outside .*: not loaded/m);
    expect(r.stderr).not.toMatch(/inside\.md/);
    expect(readEffects(dir)).toEqual(['good', 'inside']);

    const refused = baton(dir, ['run', 'evil.yaml', '--yes']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^baton: evil\.yaml: step "a": unknown command "evil"/m);
    expect(readEffects(dir)).toEqual(['good', 'inside']);
  });

  it('a .baton/commands folder that is a link out of the project is refused whole; built-in commands still run', () => {
    const outside = outsideDir();
    writeFileSync(join(outside, 'evil.md'), commandFile('evil', 'evil'));
    const dir = tempProject({ 'plan.yaml': 'steps:\n  - { id: v, command: validate, args: { dataset: data.csv } }\n', 'data.csv': 'x,y\n1,2\n' });
    mkdirSync(join(dir, '.baton'));
    symlinkSync(outside, join(dir, '.baton/commands'));
    const r = baton(dir, ['run', 'plan.yaml', '--yes', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([`baton: warning: .baton/commands is a symbolic link to ${outside}, outside ${dir}: none of its files loaded; copy them in instead (the other commands still load)`]);
  });
});

/** The last line of a step's log (`baton logs`): a refused built-in step's one-line reason. */
function logOf(dir: string, run: string, id: string): string {
  const r = baton(dir, ['logs', run, id]);
  expect(r.code).toBe(0);
  return r.stdout.trim().split('\n').at(-1) ?? '';
}

/** The steps that left their line, sorted: independent steps run in parallel, in any order. */
function readEffects(dir: string): string[] {
  const path = join(dir, 'effects');
  return existsSync(path) ? spawnSync('cat', [path], { encoding: 'utf8' }).stdout.trim().split('\n').sort() : [];
}

describe('a step runs inside its run workspace', () => {
  it('composed ids (forEach items, nested workflow steps) get folders inside the workspace', () => {
    const dir = tempProject({
      '.baton/templates/tpl.yaml': 'steps:\n  - id: inner\n    run: [sh, -c, \'echo "dir=$(pwd -P)" >> "$BATON_OUTPUT"\']\n',
      'plan.yaml': [
        'steps:',
        '  - id: each',
        '    forEach: [a, b]',
        '    run: [sh, -c, \'echo "dir=$(pwd -P)" >> "$BATON_OUTPUT"\']',
        '  - { id: grp, uses: tpl }',
      ].join('\n'),
    });
    const r = baton(dir, ['run', 'plan.yaml', '--yes', '--json']);
    expect(r.code).toBe(0);
    const run = json<RunOut>(r);
    const steps = join(realpathSync(dir), '.baton', 'runs', run.run, 'steps');
    expect(step(run, 'each[0]').outputs.dir).toBe(join(steps, 'each[0]'));
    expect(step(run, 'each[1]').outputs.dir).toBe(join(steps, 'each[1]'));
    expect(step(run, 'grp.inner').outputs.dir).toBe(join(steps, 'grp.inner'));
  });

  it('a step folder that an earlier step linked outside fails that step, and nothing is written there', () => {
    const outside = outsideDir();
    const dir = tempProject({
      'plan.yaml': [
        'steps:',
        `  - { id: plant, run: [ln, -s, "${outside}", ../victim] }`,
        '  - { id: victim, run: [sh, -c, "echo pwned > written.txt"], needs: [plant] }',
        '  - { id: bystander, run: ["true"], needs: [plant] }',
      ].join('\n'),
    });
    const r = baton(dir, ['run', 'plan.yaml', '--yes', '--json']);
    expect(r.code).toBe(1);
    const run = json<RunOut>(r);
    expect(step(run, 'victim').status).toBe('failed');
    expect(step(run, 'victim').error).toMatch(new RegExp(`^step victim: the working folder of step victim \\(.*\\) leads outside .*, to ${outside}, through a symbolic link$`));
    expect(step(run, 'bystander').status).toBe('succeeded');
    expect(readdirSync(outside)).toEqual([]);
  });
});

describe('built-in steps write only inside the run workspace', () => {
  it('a link planted in a step\'s artifacts folder is refused (exit 2, one line); nothing is written outside', () => {
    const outside = outsideDir();
    const dir = tempProject({
      'plan.yaml': [
        'steps:',
        `  - { id: plant, run: [sh, -c, 'mkdir -p "$BATON_WORKSPACE/artifacts/prof" && ln -s "$1/profile.json" "$BATON_WORKSPACE/artifacts/prof/profile.json"', sh, "${outside}"] }`,
        '  - { id: prof, command: analyze, args: { dataset: iris }, needs: [plant] }',
      ].join('\n'),
    });
    const r = baton(dir, ['run', 'plan.yaml', '--yes', '--json']);
    expect(r.code).toBe(1);
    const run = json<RunOut>(r);
    expect(step(run, 'prof')).toMatchObject({ status: 'failed', error: 'exit code 2', errorClass: 'permanent' });
    expect(logOf(dir, run.run, 'prof')).toMatch(/^analyze: artifact profile\.json \(.*\) leads outside .*, to .*profile\.json, through a symbolic link; /);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('an artifacts folder linked outside is refused before anything is created there', () => {
    const outside = outsideDir();
    const dir = tempProject({
      'plan.yaml': [
        'steps:',
        `  - { id: plant, run: [ln, -s, "${outside}", ../../artifacts] }`,
        '  - { id: prof, command: analyze, args: { dataset: iris }, needs: [plant] }',
      ].join('\n'),
    });
    const run = json<RunOut>(baton(dir, ['run', 'plan.yaml', '--yes', '--json']));
    expect(step(run, 'prof')).toMatchObject({ status: 'failed', error: 'exit code 2' });
    expect(logOf(dir, run.run, 'prof')).toMatch(/^analyze: the artifacts folder of step prof \(.*\) leads outside .*, to .*, through a symbolic link; /);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('a step id with .. given to a built-in program by hand is refused with exit 2', () => {
    const workspace = outsideDir();
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/src/agents/main.js'), 'analyze', '--dataset', 'iris'], {
      cwd: workspace,
      env: { PATH: process.env.PATH ?? '', BATON_WORKSPACE: join(workspace, 'ws'), BATON_STEP_ID: '../../escape' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^analyze: the artifacts folder of step \.\.\/\.\.\/escape \(.*\) is outside .*\/ws/);
    expect(readdirSync(workspace)).toEqual([]);
  });

  it('deploy refuses a model registry linked out of the project\'s .baton', () => {
    const outside = outsideDir();
    const dir = tempProject({
      'model.json': '{"format": 2}\n',
      'plan.yaml': 'steps:\n  - { id: ship, command: deploy, args: { model: model.json, env: staging } }\n',
    });
    mkdirSync(join(dir, '.baton'));
    symlinkSync(outside, join(dir, '.baton/registry'));
    const r = baton(dir, ['run', 'plan.yaml', '--yes', '--json']);
    expect(r.code).toBe(1);
    const run = json<RunOut>(r);
    expect(step(run, 'ship')).toMatchObject({ status: 'failed', error: 'exit code 2', attempts: 1 });
    expect(logOf(dir, run.run, 'ship')).toMatch(/^deploy: the staging registry \(.*\) leads outside .*\.baton, to .*staging, through a symbolic link; /);
    expect(readdirSync(outside)).toEqual([]);
  });
});
