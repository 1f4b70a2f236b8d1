import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentDir, declaredOutputs, runStep, type StepResult } from '../helpers/agents.js';

let dir: string;
let cleanup: () => void;
const step = (builtin: string, args: Record<string, unknown>, id = builtin): StepResult => runStep(dir, builtin, args, id);
const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const json = <T>(path: unknown): T => JSON.parse(readFileSync(String(path), 'utf8')) as T;

beforeEach(() => {
  ({ dir, cleanup } = agentDir());
});
afterEach(() => cleanup());

/** Twelve people: an id, a price with one gap, a city (3 values), a join date, a 0/1 flag and a free-text note. */
const PEOPLE = Array.from({ length: 12 }, (_, i) => ({
  id: i + 1,
  price: i === 4 ? null : 10 + i * 2.5,
  city: ['paris', 'rome', 'oslo'][i % 3] as string,
  joined: `2024-01-${String(i + 1).padStart(2, '0')}`,
  active: i % 2 === 0,
  note: `customer number ${i + 1}`,
}));

function writeSources(): { csv: string; json: string; jsonl: string } {
  const csv = join(dir, 'people.csv');
  const lines = PEOPLE.map((p) => [p.id, p.price ?? '', p.city, p.joined, p.active ? 1 : 0, p.note].join(','));
  writeFileSync(csv, `id,price,city,joined,active,note\n${lines.join('\n')}\n`);
  const json = join(dir, 'people.json');
  writeFileSync(json, JSON.stringify(PEOPLE));
  const jsonl = join(dir, 'people.jsonl');
  writeFileSync(jsonl, PEOPLE.map((p) => JSON.stringify(p)).join('\n'));
  return { csv, json, jsonl };
}

interface Lineage {
  artifact: string;
  sha256: string;
  rows: number;
  columns: number;
  schema: string;
  produced_by: { run: string; step: string; attempt: number };
  inputs: { path: string; sha256: string; bytes: number }[];
  at: string;
}

describe('ingest', () => {
  it('reads CSV, JSON and JSON Lines of the same rows into one normalized CSV, with a schema and lineage', () => {
    const sources = writeSources();
    const runs = (['csv', 'json', 'jsonl'] as const).map((kind) => ({ kind, r: step('ingest', { source: sources[kind] }, `ingest_${kind}`) }));
    for (const { kind, r } of runs) {
      expect(r.code, r.stderr).toBe(0);
      expect(Object.keys(r.outputs).sort()).toEqual([...declaredOutputs('ingest')].sort());
      expect(r.outputs).toMatchObject({ rows: 12, columns: 6, column_names: ['id', 'price', 'city', 'joined', 'active', 'note'] });
      expect(r.outputs.hash).toBe(sha(String(r.outputs.path)));
      const schema = json<{ columns: Record<string, { type: string; nullable: boolean }> }>(r.outputs.schema);
      expect(schema.columns, kind).toEqual({
        id: { type: 'integer', nullable: false },
        price: { type: 'number', nullable: true },
        city: { type: 'category', nullable: false },
        joined: { type: 'date', nullable: false },
        active: { type: 'boolean', nullable: false },
        note: { type: 'text', nullable: false },
      });
      const lineage = json<Lineage>(r.outputs.lineage);
      expect(lineage).toMatchObject({ artifact: r.outputs.path, sha256: r.outputs.hash, rows: 12, columns: 6, schema: r.outputs.schema, produced_by: { run: 'r1', step: `ingest_${kind}`, attempt: 1 } });
      expect(lineage.inputs).toEqual([{ path: sources[kind], sha256: sha(sources[kind]), bytes: readFileSync(sources[kind]).length }]);
      expect(Number.isNaN(Date.parse(lineage.at))).toBe(false);
    }
    // One content, one hash, whatever the format it came in.
    expect(new Set(runs.map(({ r }) => r.outputs.hash)).size).toBe(1);
    const again = step('ingest', { source: sources.csv }, 'ingest_again');
    expect(again.outputs.hash).toBe(runs[0]?.r.outputs.hash);

    const log = readFileSync(join(dir, 'ws', 'lineage.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Lineage);
    expect(log.map((l) => l.produced_by.step)).toEqual(['ingest_csv', 'ingest_json', 'ingest_jsonl', 'ingest_again']);
    expect(log.map((l) => l.inputs[0]?.sha256)).toEqual([sha(sources.csv), sha(sources.json), sha(sources.jsonl), sha(sources.csv)]);
    expect(log[1]).toEqual(json<Lineage>(runs[1]?.r.outputs.lineage));
  });

  it('names a sample as its input, and refuses Parquet with one line saying what to do', () => {
    const r = step('ingest', { source: 'iris' });
    expect(r.code, r.stderr).toBe(0);
    expect(json<Lineage>(r.outputs.lineage).inputs).toEqual([{ path: 'sample:iris', sha256: r.outputs.hash, bytes: readFileSync(String(r.outputs.path)).length }]);
    writeFileSync(join(dir, 'data.parquet'), 'PAR1');
    const parquet = step('ingest', { source: join(dir, 'data.parquet') }, 'parquet');
    expect(parquet.code).toBe(2);
    expect(parquet.stderr.trim().split('\n')).toEqual([expect.stringMatching(/Parquet.*export it to CSV or JSON Lines/)]);
    // Every command that reads a dataset says the same, rather than parsing Parquet as CSV.
    const train = step('train', { dataset: join(dir, 'data.parquet') }, 'train-parquet');
    expect(train.code).toBe(2);
    expect(train.stderr.trim().split('\n')).toEqual([expect.stringMatching(/Parquet.*export it to CSV or JSON Lines/)]);
  });
});

interface Profile {
  columns: { name: string; type: string; missing: number; p25?: number; p50?: number; p75?: number; top?: { value: string; count: number }[] }[];
  class_counts: Record<string, number>;
  correlations: { columns: string[]; matrix: (number | null)[][]; pairs: { a: string; b: string; r: number }[]; with_target: { column: string; r: number }[] };
}

describe('analyze', () => {
  it('profiles the churn sample: types, gaps, quartiles, class balance, correlations and a summary', () => {
    const r = step('analyze', { dataset: 'churn' });
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys(r.outputs).sort()).toEqual([...declaredOutputs('analyze')].sort());
    expect(r.outputs).toMatchObject({ rows: 1000, columns: 8, numeric: 4, classes: 2, imbalance: 1.67 });
    expect(r.outputs.summary).toBe(
      '1,000 rows, 8 columns; 1 column with missing values (monthly_charges 0.6%); target churned: 62.5% no / 37.5% yes (imbalance 1.7:1); strongest correlation support_calls ~ senior 0.07',
    );
    expect(r.stdout).toContain('\ntarget churned: 62.5% no / 37.5% yes (imbalance 1.7:1)\n');
    const pairs = r.outputs.correlations as { a: string; b: string; r: number }[];
    expect(pairs).toHaveLength(5);
    expect(pairs[0]).toEqual({ a: 'support_calls', b: 'senior', r: expect.closeTo(0.067, 2) as unknown });

    const profile = json<Profile>(r.outputs.profile);
    const column = (name: string): Profile['columns'][number] | undefined => profile.columns.find((c) => c.name === name);
    expect(profile.columns.map((c) => c.type)).toEqual(['integer', 'number', 'category', 'category', 'category', 'integer', 'boolean', 'boolean']);
    expect(column('monthly_charges')).toMatchObject({ missing: 6 });
    const tenure = column('tenure_months');
    expect((tenure?.p25 ?? 0) < (tenure?.p50 ?? 0) && (tenure?.p50 ?? 0) < (tenure?.p75 ?? 0)).toBe(true);
    expect(column('contract')?.top?.[0]).toEqual({ value: 'month-to-month', count: 539 });
    expect(profile.class_counts).toEqual({ no: 625, yes: 375 });
    expect(profile.correlations.columns).toEqual(['tenure_months', 'monthly_charges', 'support_calls', 'senior']);
    expect(profile.correlations.matrix.map((row) => row.length)).toEqual([4, 4, 4, 4]);
    expect(profile.correlations.pairs).toHaveLength(6);
  });

  it('profiles iris, balanced, and correlates each feature with a numeric target', () => {
    const r = step('analyze', { dataset: 'iris' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({ rows: 150, classes: 3, imbalance: 1, missing: 0 });
    expect(r.outputs.summary).toContain('target species: 33.3% setosa / 33.3% versicolor / 33.3% virginica (imbalance 1.0:1); strongest correlation petal_length ~ petal_width 0.96');
    const regression = step('analyze', { dataset: 'iris', target: 'petal_width' }, 'by_width');
    expect(regression.outputs).toMatchObject({ classes: 0, imbalance: null });
    expect(regression.outputs.summary).toMatch(/target petal_width: numeric \(a regression\).*strongest with target: petal_length 0\.96$/);
    expect(json<Profile>(regression.outputs.profile).correlations.with_target.map((c) => c.column)).toEqual(['petal_length', 'sepal_length', 'sepal_width']);
    const unknown = step('analyze', { dataset: 'iris', target: 'colour' }, 'bad');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/target column "colour" not found/);
  });
});

const HEADER = 'id,age,income,region,score';
// Clean rows: ages 20-59, incomes 40-79, two regions, scores near 1.
const CLEAN = Array.from({ length: 40 }, (_, i) => `${i + 1},${20 + i},${40 + ((i * 7) % 40)},${i % 2 ? 'north' : 'south'},${(1 + (i % 5) / 10).toFixed(1)}`);
const GATES = { required: ['id', 'age', 'income', 'region'], types: { age: 'integer' }, max_missing: 0.05, ranges: { age: { min: 0, max: 120 }, income: { min: 0 } }, allowed: { region: ['north', 'south'] }, max_duplicates: 0, outliers: { method: 'iqr', threshold: 1.5, max_fraction: 0 }, min_rows: 30 };

function dataset(name: string, rows: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${HEADER}\n${rows.join('\n')}\n`);
  return path;
}

interface Report {
  passed: boolean;
  mode: string;
  violations: { gate: string; column?: string; message: string; count?: number; rows?: number[] }[];
}

/** Rows breaking each gate once: a negative income, a third region, a duplicate, a wild score, a text age, gaps. */
function dirty(): string[] {
  const rows = CLEAN.slice(0, 28);
  rows[2] = '3,22,-5,north,1.1';
  rows[3] = '4,23,41,east,1.2';
  rows[4] = '5,24,,south,1.3';
  rows[5] = '6,25,,north,1.4';
  rows[6] = '7,abc,43,south,1.0';
  rows[7] = '8,27,44,north,90';
  rows.push(rows[0] as string);
  return rows;
}

describe('validate', () => {
  it('a clean file passes every gate and still writes its report', () => {
    const r = step('validate', { dataset: dataset('clean.csv', CLEAN), ...GATES });
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys(r.outputs).sort()).toEqual([...declaredOutputs('validate')].sort());
    expect(r.outputs).toMatchObject({ rows: 40, missing: 0, passed: true, violations: 0 });
    expect(json<Report>(r.outputs.report)).toMatchObject({ passed: true, violations: [] });
  });

  it('every kind of violation fails with exit 2 and one stderr line, each in the log and in violations.json', () => {
    const r = step('validate', { dataset: dataset('dirty.csv', dirty()), ...GATES, required: ['id', 'zip'] });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^validate: validation failed: 9 violations: 29 rows, fewer than min_rows 30; required column zip is absent; age should be integer: 1 row is not \(abc\); column income is 6\.9% missing \(max_missing 5%\); income < 0 in 1 row; and 4 more \(see violations\.json\)$/);
    const report = json<Report>(join(dir, 'ws', 'artifacts', 'validate', 'violations.json'));
    expect(report.passed).toBe(false);
    expect(report.violations.map((v) => [v.gate, v.column ?? null, v.count ?? null])).toEqual([
      ['min_rows', null, 29],
      ['required', 'zip', null],
      ['types', 'age', 1],
      ['max_missing', 'income', 2],
      ['ranges', 'income', 1],
      // -5 is also far below the other incomes.
      ['outliers', 'income', 1],
      ['allowed', 'region', 1],
      ['outliers', 'score', 1],
      ['max_duplicates', null, 1],
    ]);
    for (const v of report.violations) expect(r.stdout).toContain(`✖ ${v.message}`);
    expect(report.violations.filter((v) => v.gate === 'outliers').map((v) => v.rows)).toEqual([[3], [8]]);
    expect(report.violations.find((v) => v.gate === 'max_duplicates')?.message).toBe('3.4% duplicate rows (1 of 29; max 0%)');
  });

  it('report-only mode warns once per violation and succeeds with passed false', () => {
    const r = step('validate', { dataset: dataset('dirty.csv', dirty()), ...GATES, mode: 'report-only' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.outputs).toMatchObject({ rows: 29, passed: false, violations: 8 });
    const warnings = r.stdout.split('\n').filter((l) => l.startsWith('::warning '));
    expect(warnings).toHaveLength(8);
    expect(warnings[0]).toBe('::warning 29 rows, fewer than min_rows 30');
    expect(json<Report>(r.outputs.report)).toMatchObject({ mode: 'report-only', passed: false });
  });

  it('honours a schema file, and arguments override it', () => {
    // 28 rows, ages 20 to 46, the first row twice.
    const data = dataset('data.csv', [...CLEAN.slice(0, 27), CLEAN[0] as string]);
    writeFileSync(join(dir, 'gates.yaml'), 'columns:\n  age: { type: integer, min: 0, max: 44 }\n  region: { type: category, allowed: [north, south] }\nmin_rows: 30\nmax_duplicates: 0\n');
    const fromFile = step('validate', { dataset: data, schema: 'gates.yaml' });
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr.trim()).toBe('validate: validation failed: 3 violations: 28 rows, fewer than min_rows 30; age > 44 in 2 rows; 3.6% duplicate rows (1 of 28; max 0%)');
    const overridden = step('validate', { dataset: data, schema: 'gates.yaml', min_rows: 20, ranges: { age: { min: 0, max: 60 } }, max_duplicates: 1 }, 'overridden');
    expect(overridden.code, overridden.stderr).toBe(0);
    expect(overridden.outputs).toMatchObject({ passed: true, violations: 0 });
    const tightened = step('validate', { dataset: data, schema: 'gates.yaml', min_rows: 20, max_duplicates: 1, allowed: { region: ['north'] } }, 'tightened');
    expect(tightened.stderr.trim()).toBe('validate: validation failed: 2 violations: age > 44 in 2 rows; region has values outside [north] in 15 rows (south)');
  });

  it("takes ingest's schema.json as a schema: a later batch with a changed type fails", () => {
    const ingest = step('ingest', { source: dataset('first.csv', CLEAN) });
    const later = dataset('later.csv', [...CLEAN.slice(0, 20), '21,forty,60,north,1.0']);
    const r = step('validate', { dataset: later, schema: String(ingest.outputs.schema) });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('validate: validation failed: 1 violation: age should be integer: 1 row is not (forty)');
    expect(step('validate', { dataset: later, schema: String(ingest.outputs.schema), types: { age: 'text' } }, 'loose').code).toBe(0);
  });

  it('per-column forms: max_missing with "*" for the rest, an outlier rule for one column, a count of duplicates', () => {
    const data = dataset('dirty.csv', dirty());
    const r = step('validate', { dataset: data, max_missing: { '*': 0, income: 0.1 }, outliers: { score: { method: 'zscore', threshold: 3, max_fraction: 0 } }, max_duplicates: 2, mode: 'report-only' });
    expect(r.code, r.stderr).toBe(0);
    expect(json<Report>(r.outputs.report).violations.map((v) => v.message)).toEqual([expect.stringMatching(/^score has 3\.4% outliers \(1 row beyond 3 standard deviations/)]);
  });

  it('a gate it cannot read is bad input naming the setting', () => {
    const data = dataset('clean.csv', CLEAN);
    const r = step('validate', { dataset: data, types: { age: 'integr' } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('validate: argument types.age is "integr"; use one of integer, number, boolean, date, category, text');
    writeFileSync(join(dir, 'typo.yaml'), 'max_mising: 0.1\n');
    expect(step('validate', { dataset: data, schema: 'typo.yaml' }, 'typo').stderr).toMatch(/schema .*typo\.yaml has unknown key max_mising; it takes columns, required, types/);
  });
});
