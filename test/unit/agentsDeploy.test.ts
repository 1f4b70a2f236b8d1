import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { agentDir, declaredOutputs, runStep, type StepResult } from '../helpers/agents.js';

// Real model files, trained once by the train program: two good iris models and one trained on
// shuffled labels (chance level). Each test deploys them into a registry of its own.
let models: { dir: string; cleanup: () => void };
let good: string;
let good2: string;
let bad: string;

let dir: string;
let cleanup: () => void;
const step = (builtin: string, args: Record<string, unknown>, id = builtin): StepResult => runStep(dir, builtin, args, id);
const registry = (env = 'staging'): string => join(dir, '.baton', 'registry', env);
const current = (env = 'staging'): string => readFileSync(join(registry(env), 'current'), 'utf8').trim();
const history = (env = 'staging'): Record<string, unknown>[] =>
  readFileSync(join(registry(env), 'history.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const stage = (env = 'staging'): { candidate: unknown; colors: { blue: number | null; green: number | null; live: string } | null } =>
  JSON.parse(readFileSync(join(registry(env), 'stage.json'), 'utf8')) as { candidate: unknown; colors: { blue: number | null; green: number | null; live: string } | null };
const manifest = (v: number, env = 'staging'): Record<string, unknown> => JSON.parse(readFileSync(join(registry(env), `v${v}`, 'manifest.json'), 'utf8')) as Record<string, unknown>;

function shuffledIris(path: string, irisCsv: string): void {
  const [head, ...rows] = readFileSync(irisCsv, 'utf8').trim().split('\n');
  const labels = rows.map((r) => r.split(',').at(-1) ?? '');
  let seed = 7;
  for (let i = labels.length - 1; i > 0; i--) {
    seed = (seed * 16807) % 2147483647;
    const j = seed % (i + 1);
    [labels[i], labels[j]] = [labels[j] ?? '', labels[i] ?? ''];
  }
  writeFileSync(path, `${[head, ...rows.map((r, i) => [...r.split(',').slice(0, -1), labels[i]].join(','))].join('\n')}\n`);
}

beforeAll(() => {
  models = agentDir();
  const train = (id: string, args: Record<string, unknown>): string => {
    const r = runStep(models.dir, 'train', { folds: 2, ...args }, id);
    if (r.code !== 0) throw new Error(`train ${id}: ${r.stderr}`);
    return String(r.outputs.model);
  };
  good = train('good', { dataset: 'iris' });
  good2 = train('good2', { dataset: 'iris', seed: 7 });
  const shuffled = join(models.dir, 'shuffled.csv');
  shuffledIris(shuffled, join(models.dir, 'ws', 'artifacts', 'good', 'iris.csv'));
  bad = train('bad', { dataset: shuffled, model: 'decision-tree' });
});
afterAll(() => models.cleanup());
beforeEach(() => {
  ({ dir, cleanup } = agentDir());
});
afterEach(() => cleanup());

describe('deploy', () => {
  it('deploys twice to staging as versions 1 and 2, recording each in the registry', () => {
    const first = step('deploy', { model: good, env: 'staging' }, 'deploy1');
    expect(first.code, first.stderr).toBe(0);
    const second = step('deploy', { model: good2, env: 'staging' }, 'deploy2');
    expect(second.code, second.stderr).toBe(0);
    expect(first.outputs).toMatchObject({ version: 1, env: 'staging', strategy: 'rolling', percent: 100, previous: null });
    expect(second.outputs).toMatchObject({ version: 2, previous: 1, path: join(registry(), 'v2', 'model.json') });
    expect(Object.keys(second.outputs).sort()).toEqual([...declaredOutputs('deploy')].sort());
    expect(existsSync(String(second.outputs.path))).toBe(true);
    expect(current()).toBe('2');
    expect(manifest(2)).toMatchObject({ version: 2, source: good2, run: 'r1', step: 'deploy2', dataset: 'iris', status: 'live', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown });
    expect((manifest(2).metrics as Record<string, number>).accuracy).toBeGreaterThan(0.85);
    expect(manifest(1).status).toBe('retired');
    const deploys = history().filter((e) => e.action === 'deploy');
    expect(deploys.map((e) => [e.version, e.previous])).toEqual([
      [1, null],
      [2, 1],
    ]);
    const prod = step('deploy', { model: good, env: 'production' }, 'deploy3');
    expect(prod.outputs).toMatchObject({ version: 1, env: 'production', previous: null });
  });

  it('a canary of a good candidate passes every gated stage up to 100%', () => {
    step('deploy', { model: good }, 'live');
    const r = step('deploy', { model: good2, strategy: 'canary', stages: [10, 50], shadow: 'iris' }, 'canary');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^::progress 1\/3 canary 10%: passed, accuracy [\d.]+ vs [\d.]+ for v1 on 30 shadow rows$/m);
    expect(r.stdout).toMatch(/^::progress 3\/3 canary 100%: passed/m);
    expect(r.outputs).toMatchObject({ version: 2, strategy: 'canary', percent: 100, previous: 1 });
    const stages = r.outputs.stages as { percent: number; passed: boolean; rows: number; candidate: number; current: number }[];
    expect(stages.map((s) => [s.percent, s.passed])).toEqual([
      [10, true],
      [50, true],
      [100, true],
    ]);
    expect(stages[2]?.rows).toBe(150);
    expect(stages[2]?.candidate).toBeGreaterThan(0.9);
    expect(current()).toBe('2');
    expect(history().filter((e) => e.action === 'stage' && e.strategy === 'canary')).toHaveLength(3);
  });

  it('a canary of a model trained on shuffled labels fails the first gate and the stage keeps serving the previous version', () => {
    step('deploy', { model: good }, 'live');
    const r = step('deploy', { model: bad, strategy: 'canary', shadow: 'iris', max_drop: 0.05 }, 'canary');
    expect(r.code).not.toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/canary stage 1 \(10%\) failed for v2: accuracy 0\.\d+ vs 0\.9\d* for v1: a drop of 0\.\d+, more than max_drop 0\.05/);
    expect(lines[0]).toContain('rolled back, v1 serves all of staging');
    expect(r.stdout).not.toMatch(/canary 50%/);
    expect(current()).toBe('1');
    expect(stage().candidate).toBeNull();
    expect(manifest(2).status).toBe('rejected');
    const last = history().at(-1);
    expect(last).toMatchObject({ action: 'rollback', automatic: true, version: 1, from: 2, stage: 1, percent: 10 });
  });

  it('blue-green checks the idle colour, switches at once, and leaves the live colour alone on a failed check', () => {
    step('deploy', { model: good }, 'live');
    const ok = step('deploy', { model: good2, strategy: 'blue-green', shadow: 'iris' }, 'bg1');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.outputs).toMatchObject({ version: 2, strategy: 'blue-green', percent: 100, previous: 1 });
    expect(stage().colors).toEqual({ blue: 1, green: 2, live: 'green' });
    expect(current()).toBe('2');

    const failed = step('deploy', { model: bad, strategy: 'blue-green', shadow: 'iris' }, 'bg2');
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/blue-green check on blue failed for v3: accuracy .*; traffic stays on green \(v2\)/);
    expect(stage().colors).toEqual({ blue: 1, green: 2, live: 'green' });
    expect(current()).toBe('2');

    const back = step('rollback', {}, 'rollback');
    expect(back.outputs).toMatchObject({ version: 1, restored_from: 2 });
    expect(stage().colors).toMatchObject({ live: 'blue', blue: 1 });
  });

  it('without shadow data the gates judge on the data the serving model was trained on, and say so', () => {
    step('deploy', { model: good }, 'live');
    const r = step('deploy', { model: good2, strategy: 'canary', percent: 50, wait: '0s' }, 'canary');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/::warning shadow: judging on iris/);
    expect(r.outputs).toMatchObject({ percent: 50, version: 2 });
    // At 50% the candidate serves its share beside v1, which stays current.
    expect(current()).toBe('1');
    expect(stage().candidate).toEqual({ version: 2, percent: 50 });
  });

  it('bad arguments exit 2 with one line naming the argument', () => {
    const strategy = step('deploy', { model: good, strategy: 'big-bang' });
    expect(strategy.code).toBe(2);
    expect(strategy.stderr.trim()).toMatch(/argument strategy is "big-bang"; choose one of rolling, canary, blue-green/);
    const shadow = step('deploy', { model: good, strategy: 'canary', shadow: join(dir, 'nope.csv') });
    expect(shadow.code).toBe(2);
    expect(shadow.stderr.trim().split('\n')).toHaveLength(1);
    expect(shadow.stderr).toContain('nope.csv');
    writeFileSync(join(dir, 'wrong.csv'), 'a,b,species\n1,2,setosa\n');
    const columns = step('deploy', { model: good, strategy: 'blue-green', shadow: join(dir, 'wrong.csv') });
    expect(columns.code).toBe(2);
    expect(columns.stderr).toMatch(/shadow dataset .*wrong\.csv lacks columns sepal_length/);
    const stages = step('deploy', { model: good, strategy: 'canary', stages: [50, 10] });
    expect(stages.stderr).toMatch(/stages must rise/);
    expect(existsSync(join(registry(), 'v1'))).toBe(false);
  });
});

describe('rollback', () => {
  it('restores the previous version, records it, and refuses when there is none', () => {
    step('deploy', { model: good }, 'd1');
    step('deploy', { model: good2 }, 'd2');
    const back = step('rollback', { env: 'staging' });
    expect(back.code, back.stderr).toBe(0);
    expect(back.outputs).toEqual({ version: 1, env: 'staging', restored_from: 2, previous: 2 });
    expect(Object.keys(back.outputs).sort()).toEqual([...declaredOutputs('rollback')].sort());
    expect(current()).toBe('1');
    expect(history().at(-1)).toMatchObject({ action: 'rollback', version: 1, from: 2 });

    const none = step('rollback', { env: 'staging' }, 'rollback2');
    expect(none.code).toBe(2);
    expect(none.stderr.trim()).toMatch(/^rollback: no previous version before v1 in staging to roll back to/);

    const to = step('rollback', { to: 'v2' }, 'rollback3');
    expect(to.outputs).toMatchObject({ version: 2, restored_from: 1 });
    expect(current()).toBe('2');
  });

  it('rolls back a canary in flight: its share returns to the serving version', () => {
    step('deploy', { model: good }, 'd1');
    step('deploy', { model: good2, strategy: 'canary', percent: 10, shadow: 'iris' }, 'd2');
    const back = step('rollback', {});
    expect(back.outputs).toMatchObject({ version: 1, restored_from: 2 });
    expect(stage().candidate).toBeNull();
    expect(current()).toBe('1');
  });
});
