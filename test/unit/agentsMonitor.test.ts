import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/agents/lib/random.js';
import { agentDir, declaredOutputs, runStep, type StepResult } from '../helpers/agents.js';

let dir: string;
let cleanup: () => void;
const step = (builtin: string, args: Record<string, unknown>, id = builtin): StepResult => runStep(dir, builtin, args, id);

beforeEach(() => {
  ({ dir, cleanup } = agentDir());
});
afterEach(() => cleanup());

interface Shift {
  income?: number;
  red?: number;
}

/** Rows of income ~ N(50 + shift, 10), score ~ N(0, 1) and color (red with probability `red`), seeded. */
function rows(n: number, seed: number, shift: Shift = {}): string[] {
  const rand = mulberry32(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return Array.from({ length: n }, () => `${(50 + (shift.income ?? 0) + 10 * normal()).toFixed(3)},${normal().toFixed(3)},${rand() < (shift.red ?? 0.5) ? 'red' : 'blue'}`);
}

function csv(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `income,score,color\n${lines.join('\n')}\n`);
  return path;
}

describe('monitor drift', () => {
  it('identical batches: no drift, an info alert, and a report with PSI and KS per feature', () => {
    const reference = csv('reference.csv', rows(500, 1));
    const r = step('monitor', { reference, current: reference });
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys(r.outputs).sort()).toEqual([...declaredOutputs('monitor')].sort());
    expect(r.outputs).toMatchObject({ drift: 0, drift_detected: false, drifted_features: [], degraded: false, columns: 3, checks: 1, first_drift_check: null });
    expect(r.outputs.alerts).toEqual([{ severity: 'info', message: 'no drift in 3 features (max PSI 0 in income)' }]);
    expect(r.stdout).toMatch(/^feature +type +PSI +KS D +KS p/m);
    const report = JSON.parse(readFileSync(String(r.outputs.report), 'utf8')) as { checks: { features: { feature: string; psi: number; ks_statistic: number | null; ks_p: number | null }[] }[] };
    expect(report.checks[0]?.features).toEqual([
      expect.objectContaining({ feature: 'income', psi: 0, ks_statistic: 0, ks_p: 1 }),
      expect.objectContaining({ feature: 'score', psi: 0, ks_statistic: 0, ks_p: 1 }),
      expect.objectContaining({ feature: 'color', psi: 0, ks_statistic: null, ks_p: null }),
    ]);
  });

  it('a fresh batch from the same distribution does not drift', () => {
    const r = step('monitor', { reference: csv('reference.csv', rows(1000, 1)), dataset: csv('batch.csv', rows(500, 2)) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs.drift_detected).toBe(false);
    expect(r.outputs.drift).toBeLessThan(0.1);
  });

  it('a shifted batch: drift detected in exactly the shifted features, with critical alerts naming them', () => {
    const r = step('monitor', { reference: csv('reference.csv', rows(1000, 1)), current: csv('batch.csv', rows(400, 2, { income: 15, red: 0.9 })) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({ drift_detected: true, drifted_features: ['income', 'color'], column: 'income', threshold: 0.2 });
    expect(r.outputs.drift).toBeGreaterThan(1);
    const alerts = r.outputs.alerts as { severity: string; message: string }[];
    expect(alerts.filter((a) => a.severity === 'critical').map((a) => a.message)).toEqual([
      expect.stringMatching(/^income drifted: PSI [\d.]+ > 0\.2, KS D = [\d.]+ \(Holm-adjusted p < 0\.001\); mean [45]\d\.\d+ → 6\d\.\d+$/),
      expect.stringMatching(/^color drifted: PSI [\d.]+ > 0\.2; share of (red|blue) \d+% → (red|blue) \d+%$/),
    ]);
    expect(r.stdout).toMatch(/^income +numeric .* DRIFT$/m);
    expect(r.stdout).toContain('::warning critical: income drifted');
  });

  it('a high psi_threshold (or the older threshold) turns the same shift into no drift', () => {
    const args = { reference: csv('reference.csv', rows(1000, 1)), current: csv('batch.csv', rows(400, 2, { income: 15, red: 0.9 })) };
    expect(step('monitor', { ...args, psi_threshold: 50 }).outputs.drift_detected).toBe(false);
    expect(step('monitor', { ...args, threshold: 50 }, 'monitor2').outputs.drift_detected).toBe(false);
  });

  it('every/checks with stream: one check per window, progress per check, the first drifting window named', () => {
    const reference = csv('reference.csv', rows(1000, 1));
    const current = csv('stream.csv', [...rows(200, 2), ...rows(200, 3, { income: 20 })]);
    const r = step('monitor', { reference, current, stream: true, checks: 4, every: '0s' });
    expect(r.code, r.stderr).toBe(0);
    for (const k of [1, 2, 3, 4]) expect(r.stdout).toMatch(new RegExp(`^::progress ${k}/4 check ${k}/4: max PSI`, 'm'));
    expect(r.stdout).toContain('check 3/4, rows 201-300 of 400');
    expect(r.outputs).toMatchObject({ checks: 4, drift_detected: true, drifted_features: ['income'], first_drift_check: 3 });
    const alerts = r.outputs.alerts as { severity: string; message: string }[];
    expect(alerts.at(-1)).toEqual({ severity: 'critical', message: 'drift in income, first at check 3 of 4' });
    const report = JSON.parse(readFileSync(String(r.outputs.report), 'utf8')) as { checks: { rows: number; drifted_features: string[] }[] };
    expect(report.checks.map((c) => [c.rows, c.drifted_features])).toEqual([
      [100, []],
      [100, []],
      [100, ['income']],
      [100, ['income']],
    ]);
  });

  it('the drift-reference and drift-current samples drift in the features they inject', () => {
    const r = step('monitor', { reference: 'drift-reference', current: 'drift-current' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs.drift_detected).toBe(true);
    expect([...(r.outputs.drifted_features as string[])].sort()).toEqual(['device', 'income_k', 'session_minutes']);
  });
});

describe('monitor performance', () => {
  it('a labelled batch the model now gets wrong: degraded against the score recorded in the model file', () => {
    const train = step('train', { dataset: 'iris', model: 'decision-tree', folds: 3 });
    expect(train.code, train.stderr).toBe(0);
    const iris = readFileSync(join(dir, 'ws', 'artifacts', 'train', 'iris.csv'), 'utf8').trim().split('\n');
    const [header, ...data] = iris as [string, ...string[]];
    const petal = header.split(',').indexOf('petal_length');
    const moved = data.map((line) => line.split(',').map((v, i) => (i === petal ? String(Number(v) + 2.5) : v)).join(','));
    writeFileSync(join(dir, 'moved.csv'), `${header}\n${moved.join('\n')}\n`);
    const r = step('monitor', { model: String(train.outputs.model), current: join(dir, 'moved.csv') });
    expect(r.code, r.stderr).toBe(0);
    // The reference defaults to the data the model was trained on: the iris sample.
    expect(r.outputs).toMatchObject({ degraded: true, drift_detected: true, baseline_score: train.outputs.accuracy });
    expect(r.outputs.current_score).toBeLessThan(0.8);
    expect(r.outputs.drifted_features).toContain('petal_length');
    const alerts = r.outputs.alerts as { severity: string; message: string }[];
    expect(alerts).toContainEqual({ severity: 'critical', message: expect.stringMatching(/^accuracy fell from 0\.9\d* to 0\.\d+ \(recorded for .*model\.json\): a drop of 0\.\d+ > max_drop 0\.05$/) as unknown });
  });

  it('the version deployed to the environment is watched by default; unchanged data is not degraded', () => {
    const train = step('train', { dataset: 'iris', model: 'decision-tree', folds: 3 });
    const deploy = step('deploy', { model: String(train.outputs.model), env: 'staging' });
    expect(deploy.code, deploy.stderr).toBe(0);
    const r = step('monitor', { current: 'iris' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({ drift_detected: false, degraded: false, baseline_score: train.outputs.accuracy });
    expect(r.stdout).toContain('model staging v1');
  });
});

describe('monitor input errors', () => {
  it('a missing reference file exits 2 with one line naming it', () => {
    const r = step('monitor', { reference: join(dir, 'nope.csv'), current: csv('batch.csv', rows(10, 1)) });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^monitor: reference not found: .*nope\.csv/);
    expect(existsSync(join(dir, 'ws', 'artifacts', 'monitor', 'drift-report.json'))).toBe(false);
  });

  it('a bad every, or more checks than rows to stream, exits 2', () => {
    const batch = csv('batch.csv', rows(3, 1));
    const every = step('monitor', { reference: batch, current: batch, every: 'soon', checks: 2 });
    expect(every.code).toBe(2);
    expect(every.stderr).toContain('argument every is "soon"');
    const stream = step('monitor', { reference: batch, current: batch, stream: true, checks: 5 }, 'monitor2');
    expect(stream.code).toBe(2);
    expect(stream.stderr).toContain('current has 3 rows, fewer than checks (5)');
  });
});
