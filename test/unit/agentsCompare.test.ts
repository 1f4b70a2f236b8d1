import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentDir, declaredOutputs, runStep, type StepResult } from '../helpers/agents.js';

let dir: string;
let cleanup: () => void;
const step = (builtin: string, args: Record<string, unknown>, id = builtin): StepResult => runStep(dir, builtin, args, id);

beforeEach(() => {
  ({ dir, cleanup } = agentDir());
});
afterEach(() => cleanup());

/** A predictions CSV as evaluate writes it: the first `wrong` rows of `rows` mispredicted. */
function predictions(name: string, rows: number, wrong: (i: number) => boolean): string {
  const lines = Array.from({ length: rows }, (_, i) => {
    const actual = i % 2 ? 'yes' : 'no';
    const bad = wrong(i);
    return `${i},${actual},${bad ? (actual === 'yes' ? 'no' : 'yes') : actual},${bad ? 0 : 1}`;
  });
  const path = join(dir, `${name}.csv`);
  writeFileSync(path, `row,actual,predicted,correct\n${lines.join('\n')}\n`);
  return path;
}

describe('compare on fold scores', () => {
  it('clearly different fold scores: significant, the right best, effect size and a verdict naming both', () => {
    const r = step('compare', {
      models: [
        { name: 'logistic-regression', scores: [0.84, 0.85, 0.85, 0.86, 0.85] },
        { name: 'random-forest', scores: [0.86, 0.89, 0.85, 0.9, 0.87] },
      ],
    });
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys(r.outputs)).toEqual(expect.arrayContaining(declaredOutputs('compare')));
    expect(r.outputs).toMatchObject({ best: 'random-forest', runner_up: 'logistic-regression', significant: true, test: 'paired-t-test', best_score: 0.874, recommended: 'random-forest' });
    // scipy ttest_rel: t = 3.2071, p = 0.03268; d_z = 1.4343.
    expect(r.outputs.t_statistic).toBeCloseTo(3.2071, 4);
    expect(r.outputs.p_value).toBeCloseTo(0.032678, 5);
    expect(r.outputs.effect_size).toBeCloseTo(1.4343, 4);
    expect(r.outputs.verdict).toBe('random-forest is better than logistic-regression (p = 0.033 < 0.05, large effect d = 1.43)');
    expect(r.stdout).toMatch(/^1 +random-forest +0\.8740/m);
  });

  it('identical models: not significant, and the verdict keeps the simpler model', () => {
    const scores = [0.9, 0.92, 0.88, 0.91, 0.9];
    const r = step('compare', { scores: { 'random-forest': scores, 'logistic-regression': scores }, test: 't-test' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({ significant: false, p_value: 1, effect_size: 0, recommended: 'logistic-regression' });
    expect(String(r.outputs.verdict)).toContain('no significant difference');
    expect(String(r.outputs.verdict)).toContain('keep the simpler model, logistic-regression');
  });

  it('three models: the best against each other one with Holm correction, said in the output', () => {
    const r = step('compare', {
      models: [
        [0.8, 0.82, 0.79, 0.81, 0.8, 0.83, 0.78, 0.8, 0.82, 0.81],
        [0.9, 0.93, 0.91, 0.92, 0.89, 0.94, 0.9, 0.92, 0.91, 0.93],
        [0.89, 0.94, 0.9, 0.93, 0.88, 0.93, 0.91, 0.92, 0.9, 0.94],
      ],
      names: ['knn', 'random-forest', 'decision-tree'],
      test: 'wilcoxon',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs.best).toBe('random-forest');
    expect(r.outputs.ranking).toEqual(['random-forest', 'decision-tree', 'knn']);
    const comparisons = r.outputs.comparisons as { model: string; p_value: number; p_adjusted: number; significant: boolean }[];
    expect(comparisons.map((c) => [c.model, c.significant])).toEqual([
      ['decision-tree', false],
      ['knn', true],
    ]);
    for (const c of comparisons) expect(c.p_adjusted).toBeGreaterThanOrEqual(c.p_value);
    expect(r.stdout).toContain('Holm correction over 2 comparisons');
    expect(String(r.outputs.verdict)).toMatch(/better than knn \(Holm-adjusted p < 0\.05\) but not significantly better than decision-tree .*keep the simpler model, decision-tree/);
    expect(r.outputs.significant).toBe(false);
  });

  it('wilcoxon on 5 folds says it cannot decide instead of keeping the simpler model', () => {
    const r = step('compare', { test: 'wilcoxon', scores: { 'random-forest': [0.95, 0.96, 0.94, 0.97, 0.95], 'logistic-regression': [0.9, 0.91, 0.89, 0.92, 0.9] } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({ best: 'random-forest', significant: false, recommended: 'random-forest', p_value: 0.0625 });
    expect(String(r.outputs.verdict)).toMatch(/^inconclusive: with 5 folds the Wilcoxon test cannot reach p < 0\.05 \(its smallest p is 0\.0625\)/);
    expect(r.stdout).toContain('::warning inconclusive');
  });

  it('wires the model files of two train steps, as the planner does, and names the best file for deploy', () => {
    const deep = step('train', { dataset: 'iris', model: 'decision-tree', folds: 10 }, 'train_deep');
    const stump = step('train', { dataset: 'iris', model: 'decision-tree', folds: 10, params: { max_depth: 1 } }, 'train_stump');
    expect(deep.code, deep.stderr).toBe(0);
    expect(stump.code, stump.stderr).toBe(0);
    const r = step('compare', { models: [String(stump.outputs.model), String(deep.outputs.model)] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({ best: 'decision-tree (train_deep)', runner_up: 'decision-tree (train_stump)', best_model: deep.outputs.model, significant: true });
  });
});

describe('compare with mcnemar', () => {
  it("tests evaluate's predictions over the same rows: exact binomial on 24 discordant rows", () => {
    // a misses rows 0-2 and 50-51; b misses rows 0-2 and 20-41: b = 22 rows only a gets right, c = 2.
    const a = predictions('eval_a', 100, (i) => i < 3 || i === 50 || i === 51);
    const b = predictions('eval_b', 100, (i) => i < 3 || (i >= 20 && i < 42));
    const r = step('compare', { test: 'mcnemar', models: [{ name: 'boosted', predictions: b }, { name: 'forest', predictions: a }] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({ best: 'forest', best_score: 0.95, runner_up: 'boosted', significant: true, statistic: 2, effect_size: 11 });
    // 2 * P(X <= 2), X ~ Binomial(24, 1/2) = 2 * (1 + 24 + 276) / 2^24.
    expect(r.outputs.p_value).toBeCloseTo((2 * 301) / 2 ** 24, 6);
    expect(r.stdout).toContain('exact binomial, 24 discordant rows');
    expect(String(r.outputs.verdict)).toMatch(/^forest is better than boosted \(p < 0\.001, large effect OR = 11\)$/);
  });

  it('refuses predictions whose true labels disagree row by row', () => {
    const a = predictions('a', 10, () => false);
    writeFileSync(join(dir, 'b.csv'), `actual,predicted\n${Array.from({ length: 10 }, () => 'maybe,maybe').join('\n')}\n`);
    const r = step('compare', { test: 'mcnemar', predictions: [a, join(dir, 'b.csv')] });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/disagree on the true label of row 1/);
  });
});

describe('compare input errors', () => {
  it('an unknown test exits 2 with one line listing the tests', () => {
    const r = step('compare', { test: 'anova', scores: [[0.9, 0.8], [0.7, 0.6]] });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('choose one of t-test, paired-t-test, wilcoxon, mcnemar');
  });

  it('a missing model file or a single model exits 2 naming what to give', () => {
    const missing = step('compare', { models: [join(dir, 'nope.json'), join(dir, 'other.json')] });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/models\[1\] not found: .*nope\.json; give model files/);
    const one = step('compare', { models: [[0.9, 0.8]] });
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('at least two models');
    const noPredictions = step('compare', { test: 'mcnemar', scores: { a: [0.9, 0.8], b: [0.7, 0.6] } });
    expect(noPredictions.code).toBe(2);
    expect(noPredictions.stderr).toContain('a has no predictions');
  });
});
