import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentDir, declaredOutputs, runByHand, runStep, type StepResult } from '../helpers/agents.js';

let dir: string;
let cleanup: () => void;
const step = (builtin: string, args: Record<string, unknown>, id = builtin): StepResult => runStep(dir, builtin, args, id);
const byHand = (argv: string[]): StepResult => runByHand(dir, argv);

beforeEach(() => {
  ({ dir, cleanup } = agentDir());
});
afterEach(() => cleanup());

describe('train and evaluate', () => {
  it('trains a random forest on iris with 3-fold CV and evaluate reads the model it wrote', () => {
    const train = step('train', { dataset: 'iris', folds: 3 });
    expect(train.code, train.stderr).toBe(0);
    expect(train.stdout).toMatch(/^::progress 1\/4 fold 1\/3/m);
    expect(train.outputs.accuracy).toBeGreaterThan(0.85);
    expect(train.outputs).toMatchObject({ folds: 3, rows: 150 });
    expect(Object.keys(train.outputs)).toEqual(expect.arrayContaining(declaredOutputs('train')));
    const model = String(train.outputs.model);
    expect(model).toBe(join(dir, 'ws', 'artifacts', 'train', 'model.json'));

    const evaluate = step('evaluate', { model, dataset: join(dir, 'ws', 'artifacts', 'train', 'iris.csv'), metrics: ['accuracy', 'f1'] });
    expect(evaluate.code, evaluate.stderr).toBe(0);
    expect(evaluate.outputs.accuracy).toBeGreaterThan(0.9);
    expect(evaluate.outputs.rows).toBe(150);
    expect(Object.keys(evaluate.outputs)).toEqual(expect.arrayContaining(['accuracy', 'f1', 'precision', 'recall']));
  });

  it('runs standalone from flags and prints the outputs as JSON', () => {
    writeFileSync(join(dir, 'tiny.csv'), 'x,y,label\n' + Array.from({ length: 30 }, (_, i) => `${i},${i % 7},${i < 15 ? 'a' : 'b'}`).join('\n'));
    const r = byHand(['train', '--dataset', 'tiny.csv', '--folds', '3', '--model', 'decision-tree']);
    expect(r.code, r.stderr).toBe(0);
    const last = r.stdout.trim().split('\n').at(-1) ?? '';
    expect(JSON.parse(last)).toMatchObject({ folds: 3, rows: 30, accuracy: expect.any(Number) as unknown });
    expect(existsSync(join(dir, 'artifacts', 'train', 'model.json'))).toBe(true);
  });

  it('a missing dataset exits 2 with one line on stderr and no stack trace', () => {
    const r = step('train', { dataset: join(dir, 'nope.csv') });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('nope.csv');
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('an unknown model exits 2 naming the available models', () => {
    const r = step('train', { dataset: 'iris', model: 'xgboost' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/xgboost.*available: decision-tree, random-forest/);
  });

  it('an unknown builtin exits 2 listing the known ones', () => {
    const r = byHand(['bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('known builtins: ingest');
  });
});

describe('shell', () => {
  it('refuses a pipeline without shell: true and runs nothing', () => {
    const r = step('shell', { command: 'echo hi; touch pwned', shell: false });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('set shell: true');
    expect(r.stdout).not.toContain('hi');
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    expect(existsSync(join(dir, 'steps', 'shell', 'pwned'))).toBe(false);
  });

  it('runs the parsed argv directly, so shell syntax inside quotes stays text', () => {
    const quoted = step('shell', { command: `printf '%s' "a b"` });
    expect(quoted.code, quoted.stderr).toBe(0);
    expect(quoted.stdout).toBe('a b');
    expect(quoted.outputs).toEqual({ exit_code: 0 });
    const literal = step('shell', { command: `echo 'x; touch pwned' '$(touch pwned)'` });
    expect(literal.stdout).toBe('x; touch pwned $(touch pwned)\n');
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });

  it('uses /bin/sh only when shell is true, and exits with the child exit code', () => {
    const piped = step('shell', { command: 'echo hi | tr h H', shell: true });
    expect(piped.stdout).toBe('Hi\n');
    const failing = step('shell', { command: 'sh -c "exit 3"' });
    expect(failing.code).toBe(3);
    expect(failing.outputs).toEqual({ exit_code: 3 });
  });
});

describe('deploy and rollback', () => {
  it('deploying twice then rolling back makes version 1 current', () => {
    const model = join(dir, 'model.json');
    writeFileSync(model, '{"format":"baton-model/1"}');
    const first = step('deploy', { model, env: 'staging' }, 'deploy1');
    const second = step('deploy', { model, env: 'staging', strategy: 'canary', percent: 10 }, 'deploy2');
    expect([first.outputs.version, second.outputs.version]).toEqual([1, 2]);
    expect(existsSync(join(dir, '.baton', 'registry', 'staging', 'v2', 'model.json'))).toBe(true);
    const back = step('rollback', { env: 'staging' });
    expect(back.code, back.stderr).toBe(0);
    expect(back.outputs).toMatchObject({ version: 1, env: 'staging', previous: 2 });
    expect(readFileSync(join(dir, '.baton', 'registry', 'staging', 'current'), 'utf8').trim()).toBe('1');
    const again = step('rollback', { env: 'staging' }, 'rollback2');
    expect(again.code).toBe(2);
  });
});

describe('data steps', () => {
  it('split, validate and monitor work on a written dataset', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i},${i % 5 === 0 ? '' : i * 2},${i % 2 ? 'a' : 'b'}`);
    writeFileSync(join(dir, 'd.csv'), `x,y,label\n${rows.join('\n')}\n`);
    const split = step('split', { dataset: join(dir, 'd.csv'), test_size: 0.25, seed: 1 });
    expect(split.outputs).toMatchObject({ rows_train: 30, rows_test: 10 });
    const bad = step('validate', { dataset: join(dir, 'd.csv'), max_missing: 0.1, min_rows: 100 });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/min_rows 100.*column y is 20\.0% missing/);
    const drift = step('monitor', { dataset: String(split.outputs.test), reference: String(split.outputs.train), threshold: 100 });
    expect(drift.code, drift.stderr).toBe(0);
    expect(drift.outputs.drift_detected).toBe(false);
  });
});
