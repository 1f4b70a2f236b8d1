import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentDir, declaredOutputs, runStep, type StepResult } from '../helpers/agents.js';

// One folder for the file: every step writes under its own id, so tests cannot collide.
let dir: string;
let cleanup: () => void;
const step = (builtin: string, args: Record<string, unknown>, id: string): StepResult => runStep(dir, builtin, args, id);
const csvLines = (path: string): string[] => readFileSync(path, 'utf8').trim().split('\n');

beforeAll(() => {
  ({ dir, cleanup } = agentDir());
});
afterAll(() => cleanup());

describe('train and evaluate on iris', () => {
  it.each(['random-forest', 'decision-tree', 'logreg', 'KNN', 'gaussian-nb'])('%s cross-validates above 0.8 and evaluate reads its model back', (model) => {
    const id = model.toLowerCase();
    const train = step('train', { dataset: 'iris', model, folds: 3 }, `train-${id}`);
    expect(train.code, train.stderr).toBe(0);
    expect(train.stdout).toMatch(/^::progress 1\/4 fold 1\/3 accuracy \d/m);
    expect(train.outputs).toMatchObject({ task: 'classification', metric: 'accuracy', folds: 3, rows: 150, classes: 3, features: 4, rmse: null });
    expect(train.outputs.accuracy).toBeGreaterThan(0.8);
    expect(train.outputs.fold_accuracy).toHaveLength(3);
    expect(train.outputs.fold_scores).toEqual(train.outputs.fold_accuracy);
    expect(Object.keys(train.outputs).sort()).toEqual([...declaredOutputs('train')].sort());

    const evaluate = step('evaluate', { model: train.outputs.model, dataset: 'iris' }, `evaluate-${id}`);
    expect(evaluate.code, evaluate.stderr).toBe(0);
    expect(evaluate.outputs.accuracy).toBeGreaterThan(0.8);
    expect(evaluate.outputs).toMatchObject({ task: 'classification', rows: 150, r2: null });
    expect(Object.keys(evaluate.outputs).sort()).toEqual([...declaredOutputs('evaluate')].sort());
    expect(evaluate.stdout).toMatch(/actual \\ predicted\s+setosa\s+versicolor\s+virginica/);
    const lines = csvLines(String(evaluate.outputs.predictions));
    expect(lines[0]).toBe('row,actual,predicted,correct');
    expect(lines).toHaveLength(151);
    expect(lines[1]).toMatch(/^0,setosa,\w+,[01]$/);
    const report = JSON.parse(readFileSync(String(evaluate.outputs.report), 'utf8')) as { confusion: { matrix: number[][] }; per_class: { class: string; support: number }[] };
    expect(report.confusion.matrix.flat().reduce((a, b) => a + b, 0)).toBe(150);
    expect(report.per_class.map((c) => [c.class, c.support])).toEqual([['setosa', 50], ['versicolor', 50], ['virginica', 50]]);
  });
});

describe('regression', () => {
  it('a numeric target is a regression: rmse, r2 and mae in train and evaluate', () => {
    const train = step('train', { dataset: 'penguins', target: 'body_mass_g', folds: 3 }, 'train-mass');
    expect(train.code, train.stderr).toBe(0);
    expect(train.stdout).toContain('::warning 2 rows without a body_mass_g value were left out');
    expect(train.outputs).toMatchObject({ task: 'regression', metric: 'r2', rows: 342, accuracy: null, classes: null, fold_accuracy: null });
    expect(train.outputs.r2).toBeGreaterThan(0.5);
    expect(train.outputs.rmse).toBeGreaterThan(0);
    expect(train.outputs.fold_scores).toHaveLength(3);

    const evaluate = step('evaluate', { model: train.outputs.model, dataset: 'penguins' }, 'evaluate-mass');
    expect(evaluate.code, evaluate.stderr).toBe(0);
    expect(evaluate.outputs.r2).toBeGreaterThan(0.5);
    expect(evaluate.outputs).toMatchObject({ task: 'regression', metric: 'r2', rows: 342, accuracy: null });
    expect(csvLines(String(evaluate.outputs.predictions))[0]).toBe('row,actual,predicted,error');
  });

  it('linear-regression fits least squares; a classifier on a numeric target exits 2 naming what fits', () => {
    const linear = step('train', { dataset: 'penguins', target: 'body_mass_g', model: 'linear', folds: 3 }, 'train-linear');
    expect(linear.code, linear.stderr).toBe(0);
    expect(linear.outputs.r2).toBeGreaterThan(0.5);
    const wrong = step('train', { dataset: 'penguins', target: 'body_mass_g', model: 'logistic' }, 'train-wrong');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr.trim()).toMatch(/^train: logistic-regression cannot fit this: .*use one of decision-tree, random-forest, knn, linear-regression/);
  });
});

describe('bad input', () => {
  it('an unknown model exits 2 with one line naming every trainable model and how to bring another', () => {
    const r = step('train', { dataset: 'iris', model: 'xgboost' }, 'train-xgb');
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/xgboost.*available: decision-tree, random-forest, logistic-regression, knn, naive-bayes, linear-regression/);
    expect(lines[0]).toContain('run: [python, train.py]');
  });

  it('evaluate on a dataset missing a feature column exits 2 naming it', () => {
    const train = step('train', { dataset: 'iris', model: 'decision-tree', folds: 3 }, 'train-for-missing');
    const rows = readFileSync(join(dir, 'ws', 'artifacts', 'train-for-missing', 'iris.csv'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(',').filter((_, i) => i !== 3).join(','));
    writeFileSync(join(dir, 'no-petal-width.csv'), `${rows.join('\n')}\n`);
    const r = step('evaluate', { model: train.outputs.model, dataset: 'no-petal-width.csv' }, 'evaluate-missing');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/lacks column petal_width, which the model needs/);
  });

  it('an unknown dataset name exits 2 listing the samples', () => {
    const r = step('train', { dataset: 'titanic' }, 'train-titanic');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('a sample name (iris, penguins, churn, drift-reference, drift-current, shapes)');
  });
});

describe('samples and encoding', () => {
  it('shapes (8x8 images) trains far above the 25% of chance', () => {
    const r = step('train', { dataset: 'shapes', folds: 3, params: { trees: 10 } }, 'train-shapes');
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({ rows: 320, features: 64, classes: 4 });
    expect(r.outputs.accuracy).toBeGreaterThan(0.7);
  });

  it('churn one-hot encodes its categories, and evaluate encodes a new file the same way', () => {
    const train = step('train', { dataset: 'tabular', model: 'logistic-regression', folds: 3 }, 'train-churn');
    expect(train.code, train.stderr).toBe(0);
    expect(train.outputs).toMatchObject({ rows: 1000, classes: 2, features: 14 });
    expect(train.outputs.accuracy).toBeGreaterThan(0.65);
    const model = JSON.parse(readFileSync(String(train.outputs.model), 'utf8')) as { format: string; features: string[] };
    expect(model.format).toBe('baton-model/2');
    expect(model.features).toContain('contract=month-to-month');

    // Columns reordered, a level training never saw, and an id column the model ignores.
    const csv = ['id,churned,payment,internet,contract,tenure_months,monthly_charges,support_calls,senior', 'a1,yes,crypto,fiber,month-to-month,2,95,6,1', 'a2,no,credit-card,none,two-year,70,,0,0'];
    writeFileSync(join(dir, 'new-customers.csv'), `${csv.join('\n')}\n`);
    const evaluate = step('evaluate', { model: train.outputs.model, dataset: 'new-customers.csv' }, 'evaluate-churn');
    expect(evaluate.code, evaluate.stderr).toBe(0);
    expect(evaluate.stdout).toContain('::warning column payment has values training never saw (crypto)');
    expect(evaluate.outputs).toMatchObject({ rows: 2, accuracy: 1 });
  });

  it('free-text columns are left out with a warning', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `note ${i} about it,${i % 10},${i % 2 ? 'red' : 'blue'},${i % 10 < 5 ? 'low' : 'high'}`);
    writeFileSync(join(dir, 'notes.csv'), `note,x,colour,label\n${rows.join('\n')}\n`);
    const r = step('train', { dataset: 'notes.csv', model: 'tree', folds: 3 }, 'train-notes');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('::warning column note is not used as a feature: free text (40 distinct values)');
    expect(r.outputs).toMatchObject({ features: 3, accuracy: 1 });
  });
});
