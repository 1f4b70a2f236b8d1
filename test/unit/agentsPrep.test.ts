import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { churn } from '../../src/agents/lib/samples.js';
import { parseCsv, type Cell, type Table } from '../../src/agents/lib/table.js';
import { agentDir, declaredOutputs, runStep, type StepResult } from '../helpers/agents.js';

let dir: string;
let cleanup: () => void;
let steps = 0;
// Each call gets a step id of its own, so one project folder serves every test in this file.
const step = (builtin: string, args: Record<string, unknown>): StepResult => runStep(dir, builtin, args, `${builtin}${++steps}`);
const ok = (r: StepResult): StepResult => {
  expect(r.code, r.stderr).toBe(0);
  return r;
};
const table = (path: unknown): Table => parseCsv(readFileSync(String(path), 'utf8'));
const column = (t: Table, name: string): Cell[] => {
  const i = t.columns.indexOf(name);
  expect(i, `column ${name} in ${t.columns.join(',')}`).toBeGreaterThanOrEqual(0);
  return t.rows.map((r) => r[i] ?? null);
};
const write = (name: string, lines: string[]): string => {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
};
const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const sd = (xs: number[]): number => Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
const nums = (cells: Cell[]): number[] => cells.map(Number);
const badInput = (r: StepResult, pattern: RegExp): void => {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
};

beforeAll(() => {
  ({ dir, cleanup } = agentDir());
});
afterAll(() => cleanup());

describe('preprocess', () => {
  it('imputes, one-hot encodes and scales churn, leaves the target alone, and applies the saved transform to other rows', () => {
    const raw = churn();
    const r = ok(step('preprocess', { dataset: 'churn', steps: ['impute', 'encode', 'scale'] }));
    expect(Object.keys(r.outputs).sort()).toEqual([...declaredOutputs('preprocess')].sort());
    expect(r.outputs).toMatchObject({ rows: 1000, columns: 15, steps: ['impute', 'encode', 'scale'] });
    const out = table(r.outputs.path);
    expect(out.columns).toEqual(expect.arrayContaining(['contract=month-to-month', 'contract=one-year', 'contract=two-year', 'internet=fiber', 'payment=credit-card']));
    expect(out.columns).not.toContain('contract');
    expect(new Set(column(out, 'contract=one-year'))).toEqual(new Set([0, 1]));
    for (const name of ['tenure_months', 'monthly_charges', 'support_calls']) {
      const xs = nums(column(out, name));
      expect(Math.abs(mean(xs)), name).toBeLessThan(1e-4);
      expect(sd(xs), name).toBeCloseTo(1, 3);
    }
    expect(raw.rows.some((row) => row[1] === null)).toBe(true);
    expect(column(out, 'monthly_charges').every((v) => typeof v === 'number')).toBe(true);
    expect(column(out, 'churned')).toEqual(raw.rows.map((row) => row[7]));
    expect(out.columns.at(-1)).toBe('churned');

    // Other rows get the training statistics, not their own: a gap becomes the training mean (0 once scaled).
    const tenure = raw.rows.map((row) => row[0] as number);
    const other = write('new-customers.csv', ['tenure_months,monthly_charges,contract,internet,payment,support_calls,senior,churned', '1,,two-year,dsl,bank-transfer,0,0,no', '72,110,month-to-month,fiber,bitcoin,9,1,yes', '40,50,one-year,none,mailed-check,2,0,no']);
    const applied = ok(step('preprocess', { dataset: other, apply: r.outputs.transform, steps: ['scale'] }));
    expect(applied.outputs).toMatchObject({ rows: 3, columns: 15, steps: ['impute', 'encode', 'scale'], transform: r.outputs.transform });
    expect(applied.stdout).toMatch(/payment has values the transform never saw \(bitcoin\)/);
    const again = table(applied.outputs.path);
    expect(again.columns).toEqual(out.columns);
    nums(column(again, 'tenure_months')).forEach((v, i) => expect(v).toBeCloseTo(([1, 72, 40][i]! - mean(tenure)) / sd(tenure), 4));
    expect(column(again, 'monthly_charges')[0]).toBeCloseTo(0, 4);
    expect(['bank-transfer', 'credit-card', 'electronic-check', 'mailed-check'].map((p) => column(again, `payment=${p}`)[1])).toEqual([0, 0, 0, 0]);
    expect(column(again, 'churned')).toEqual(['no', 'yes', 'no']);
  });

  it('median imputation, min-max scaling, IQR clipping and ordinal codes for many levels', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i === 3 ? '' : i === 39 ? 1000 : i},c${i % 25},${i % 2 ? 'a' : 'b'}`);
    const data = write('wide.csv', ['x,code,label', ...rows]);
    const r = ok(step('preprocess', { dataset: data, steps: ['impute', 'clip-outliers', 'encode', 'scale'], impute: 'median', scaler: 'minmax' }));
    const out = table(r.outputs.path);
    expect(out.columns).toEqual(['x', 'code', 'label']);
    const x = nums(column(out, 'x'));
    expect(Math.min(...x)).toBe(0);
    expect(Math.max(...x)).toBe(1);
    // The outlier 1000 was clipped to the upper fence before scaling, so 38 sits near the top, not near 0.
    expect(x[38]).toBeGreaterThan(0.6);
    expect(new Set(column(out, 'code')).size).toBe(25);
    expect(column(out, 'code').every((v) => typeof v === 'number')).toBe(true);
    const transform = JSON.parse(readFileSync(String(r.outputs.transform), 'utf8')) as { steps: { step: string; fill?: Record<string, unknown> }[] };
    expect(transform.steps[0]?.fill?.x).toBe(20);
  });

  it('an unknown step exits 2 with one line naming the steps there are', () => {
    badInput(step('preprocess', { dataset: 'iris', steps: ['impute', 'whiten'] }), /unknown preprocessing step whiten; available: impute, drop-missing, encode, scale, clip-outliers/);
    badInput(step('preprocess', { dataset: 'iris', apply: join(dir, 'none.json') }), /apply not found: .*none\.json/);
  });
});

describe('features', () => {
  it('interactions and polynomial add the products and squares before the target', () => {
    const inter = ok(step('features', { dataset: 'iris', method: 'interactions' }));
    expect(Object.keys(inter.outputs).sort()).toEqual([...declaredOutputs('features')].sort());
    expect(inter.outputs).toMatchObject({ added: 6, columns: 11, rows: 150, removed: [] });
    const t = table(inter.outputs.path);
    expect(t.columns.at(-1)).toBe('species');
    expect(column(t, 'sepal_length_x_petal_width')[0]).toBeCloseTo(5.1 * 0.2, 10);
    expect(inter.outputs.feature_names).toEqual(t.columns.slice(0, -1));

    const poly = ok(step('features', { dataset: 'iris', method: 'polynomial', degree: 3 }));
    expect(poly.outputs.added).toBe(8);
    const p = table(poly.outputs.path);
    expect(column(p, 'petal_length_sq')[0]).toBeCloseTo(1.96, 10);
    expect(column(p, 'petal_length_cube')[0]).toBeCloseTo(2.744, 10);
  });

  it('binning adds quantile bins that split a column into near-equal parts, and apply reuses the edges', () => {
    const rows = Array.from({ length: 100 }, (_, i) => `${(i * 37) % 100},${i % 3},${i % 2 ? 'y' : 'n'}`);
    const data = write('bins.csv', ['x,small,label', ...rows]);
    const r = ok(step('features', { dataset: data, method: 'binning', bins: 4 }));
    expect(r.outputs.feature_names).toEqual(['x', 'small', 'x_bin']);
    const t = table(r.outputs.path);
    const bins = column(t, 'x_bin');
    expect([0, 1, 2, 3].map((b) => bins.filter((v) => v === b).length)).toEqual([25, 25, 25, 25]);
    column(t, 'x').forEach((x, i) => expect(bins[i]).toBe(Number(x) < 25 ? 0 : Number(x) < 50 ? 1 : Number(x) < 75 ? 2 : 3));

    const other = write('bins-test.csv', ['x,small,label', '-5,1,y', '50,2,n', '500,0,y']);
    const applied = ok(step('features', { dataset: other, apply: r.outputs.transform }));
    expect(column(table(applied.outputs.path), 'x_bin')).toEqual([0, 2, 3]);
  });

  it('date-parts turns a date column into year, month, day, weekday and hour', () => {
    const data = write('events.csv', ['when,amount,label', '2024-03-01T14:30,10,a', '2023-12-31T00:05,12,b', '2024-02-29 09:00,7,a', ',3,b']);
    const r = ok(step('features', { dataset: data, method: 'date-parts' }));
    expect(r.outputs.feature_names).toEqual(['amount', 'when_year', 'when_month', 'when_day', 'when_weekday', 'when_hour']);
    const t = table(r.outputs.path);
    expect(t.rows).toEqual([
      [10, 2024, 3, 1, 4, 14, 'a'],
      [12, 2023, 12, 31, 6, 0, 'b'],
      [7, 2024, 2, 29, 3, 9, 'a'],
      [3, null, null, null, null, null, 'b'],
    ]);
    badInput(step('features', { dataset: 'iris', method: 'date-parts' }), /date-parts found no date columns/);
  });

  it('variance selection drops constant and low-variance columns, never the target', () => {
    const rows = Array.from({ length: 30 }, (_, i) => `${i},7,${(i % 2) * 0.1},${i % 3}`);
    const data = write('variance.csv', ['x,constant,tiny,label', ...rows]);
    const byDefault = ok(step('features', { dataset: data, method: 'none', select: 'variance' }));
    expect(byDefault.outputs).toMatchObject({ removed: ['constant'], added: 0, feature_names: ['x', 'tiny'] });
    const stricter = ok(step('features', { dataset: data, method: 'none', select: 'variance', min_variance: 0.01 }));
    expect(stricter.outputs).toMatchObject({ removed: ['constant', 'tiny'], feature_names: ['x'] });
    expect(table(stricter.outputs.path).columns).toEqual(['x', 'label']);
  });

  it('correlation selection drops one of each correlated pair, keeping the one closer to the target', () => {
    // signal decides the label; echo is signal plus noise, so the pair is correlated but echo tells less.
    const rows = Array.from({ length: 60 }, (_, i) => {
      const signal = (i * 7) % 60;
      const echo = signal + ((i * 13) % 11) - 5;
      return `${echo},${signal},${(i * 17) % 23},${signal >= 30 ? 'high' : 'low'}`;
    });
    const data = write('correlated.csv', ['echo,signal,other,label', ...rows]);
    const r = ok(step('features', { dataset: data, method: 'none', select: 'correlation', max_correlation: 0.9 }));
    expect(r.outputs).toMatchObject({ removed: ['echo'], feature_names: ['signal', 'other'] });
    const top = ok(step('features', { dataset: data, method: 'none', max_features: 1 }));
    expect(top.outputs).toMatchObject({ removed: expect.arrayContaining(['echo', 'other']) as unknown, feature_names: ['signal'] });
  });
});

describe('split', () => {
  const classes = (t: Table): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const label of column(t, 'label')) counts[String(label)] = (counts[String(label)] ?? 0) + 1;
    return counts;
  };
  const ids = (path: unknown): number[] => nums(column(table(path), 'id')).sort((a, b) => a - b);
  let data: string;
  beforeAll(() => {
    // 100 rows: 60 a, 30 b, 10 c; day runs 1..100 in a shuffled order; 20 customers of 5 rows.
    data = write('rows.csv', ['id,day,customer,x,label', ...Array.from({ length: 100 }, (_, i) => `${i},${((i * 37) % 100) + 1},c${Math.floor(i / 5)},${i % 7},${i < 60 ? 'a' : i < 90 ? 'b' : 'c'}`)]);
  });

  it('keeps each class share within one row and repeats for the same seed', () => {
    const r = ok(step('split', { dataset: data, test_size: 0.25, seed: 5 }));
    expect(Object.keys(r.outputs).sort()).toEqual([...declaredOutputs('split')].sort());
    expect(r.outputs).toMatchObject({ rows_train: 75, rows_test: 25, folds: null, folds_dir: null });
    const test = classes(table(r.outputs.test));
    for (const [label, share] of [['a', 15], ['b', 7.5], ['c', 2.5]] as const) expect(Math.abs((test[label] ?? 0) - share), label).toBeLessThanOrEqual(1);
    const same = ok(step('split', { dataset: data, test_size: 0.25, seed: 5 }));
    expect(readFileSync(String(same.outputs.test), 'utf8')).toBe(readFileSync(String(r.outputs.test), 'utf8'));
    const other = ok(step('split', { dataset: data, test_size: 0.25, seed: 6 }));
    expect(ids(other.outputs.test)).not.toEqual(ids(r.outputs.test));
    expect(ok(step('split', { dataset: data, test_rows: 10 })).outputs).toMatchObject({ rows_train: 90, rows_test: 10 });
    expect(ok(step('split', { dataset: data, test_size: 30 })).outputs).toMatchObject({ rows_train: 70, rows_test: 30 });
  });

  it('writes k stratified folds that partition the training rows, with a folds.json index', () => {
    const r = ok(step('split', { dataset: data, test_size: 0.2, folds: 4, seed: 1 }));
    expect(r.outputs.folds).toBe(4);
    const index = JSON.parse(readFileSync(join(String(r.outputs.folds_dir), 'folds.json'), 'utf8')) as { kind: string; folds: { train: string; validation: string; rows_validation: number }[] };
    expect(index.kind).toBe('stratified');
    expect(index.folds).toHaveLength(4);
    const train = ids(r.outputs.train);
    const validations = index.folds.map((f) => ids(f.validation));
    expect(validations.flat().sort((a, b) => a - b)).toEqual(train);
    index.folds.forEach((f, k) => {
      expect([...ids(f.train), ...(validations[k] ?? [])].sort((a, b) => a - b)).toEqual(train);
      expect(classes(table(f.validation)).a).toBeGreaterThanOrEqual(11);
    });
  });

  it('order_by puts the latest rows in test without shuffling; group keeps each group on one side', () => {
    const r = ok(step('split', { dataset: data, test_size: 0.2, order_by: 'day' }));
    const trainDays = nums(column(table(r.outputs.train), 'day'));
    const testDays = nums(column(table(r.outputs.test), 'day'));
    expect(testDays).toEqual([81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100]);
    expect(trainDays).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));

    const g = ok(step('split', { dataset: data, test_size: 0.2, group: 'customer', folds: 3, seed: 2 }));
    const trainCustomers = new Set(column(table(g.outputs.train), 'customer'));
    const testCustomers = column(table(g.outputs.test), 'customer');
    expect(g.outputs.rows_test).toBe(20);
    expect(testCustomers.filter((c) => trainCustomers.has(c))).toEqual([]);
  });

  it('a test set as large as the data exits 2 with one line', () => {
    badInput(step('split', { dataset: data, test_size: 100 }), /test_size 100 leaves no training rows: the data has 100 rows/);
    badInput(step('split', { dataset: data, order_by: 'when' }), /order_by column "when" not found; columns: id, day/);
  });
});
