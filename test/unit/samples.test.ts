import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTable } from '../../src/agents/lib/dataset.js';
import type { StepContext } from '../../src/agents/lib/protocol.js';
import type { Table } from '../../src/agents/lib/table.js';
import { agentDir } from '../helpers/agents.js';

let dir: string;
let cleanup: () => void;
let ctx: StepContext;

beforeAll(() => {
  ({ dir, cleanup } = agentDir());
  ctx = { builtin: 'test', runId: 'r', stepId: 's', attempt: 1, workspace: dir, projectDir: dir, planDir: dir, exitCode: 0, artifactsDir: () => dir, progress: () => undefined, warn: () => undefined };
});
afterAll(() => cleanup());

const load = (name: string): Table => loadTable(name, ctx).table;
const column = (t: Table, name: string): (string | number | null)[] => t.rows.map((r) => r[t.columns.indexOf(name)] ?? null);
const mean = (xs: (string | number | null)[]): number => {
  const ns = xs.filter((x): x is number => typeof x === 'number');
  return ns.reduce((a, b) => a + b, 0) / ns.length;
};
const share = (xs: (string | number | null)[], value: string): number => xs.filter((x) => x === value).length / xs.length;

describe('sample datasets by name', () => {
  it('each loads by name, is written as CSV beside the step, and is the same every time', () => {
    for (const name of ['iris', 'penguins', 'churn', 'drift-reference', 'drift-current', 'shapes']) {
      const loaded = loadTable(name, ctx);
      expect(loaded.sample).toBe(name);
      expect(loaded.table.rows.length, name).toBeGreaterThan(100);
      expect(existsSync(join(dir, `${name}.csv`))).toBe(true);
      expect(load(name)).toEqual(loaded.table);
    }
    expect(loadTable('Tabular', ctx).sample).toBe('churn');
    expect(loadTable('drift_current', ctx).sample).toBe('drift-current');
  });

  it('penguins keeps its 344 birds with species last and "." read as a missing sex', () => {
    const t = load('penguins');
    expect(t.columns).toEqual(['island', 'bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'sex', 'species']);
    expect(t.rows).toHaveLength(344);
    expect(new Set(column(t, 'species'))).toEqual(new Set(['Adelie', 'Chinstrap', 'Gentoo']));
    expect(new Set(column(t, 'sex'))).toEqual(new Set(['male', 'female', null]));
  });

  it('churn has 1,000 customers, numeric and categorical features and a yes/no label that is neither rare nor dominant', () => {
    const t = load('churn');
    expect(t.rows).toHaveLength(1000);
    expect(t.columns.at(-1)).toBe('churned');
    expect(new Set(column(t, 'contract'))).toEqual(new Set(['month-to-month', 'one-year', 'two-year']));
    expect(typeof column(t, 'tenure_months')[0]).toBe('number');
    const yes = share(column(t, 'churned'), 'yes');
    expect(yes).toBeGreaterThan(0.2);
    expect(yes).toBeLessThan(0.5);
    // The signal: month-to-month customers churn far more than two-year ones.
    const rate = (contract: string): number => share(t.rows.filter((r) => r[2] === contract).map((r) => r[7] ?? null), 'yes');
    expect(rate('month-to-month')).toBeGreaterThan(rate('two-year') + 0.2);
  });

  it('drift-current shifts income, session minutes and devices against drift-reference, and leaves age alone', () => {
    const ref = load('drift-reference');
    const cur = load('drift-current');
    expect(cur.columns).toEqual(ref.columns);
    expect(mean(column(cur, 'income_k')) / mean(column(ref, 'income_k'))).toBeGreaterThan(1.2);
    expect(mean(column(cur, 'session_minutes')) - mean(column(ref, 'session_minutes'))).toBeGreaterThan(4);
    expect(share(column(cur, 'device'), 'mobile') - share(column(ref, 'device'), 'mobile')).toBeGreaterThan(0.15);
    expect(Math.abs(mean(column(cur, 'age')) - mean(column(ref, 'age')))).toBeLessThan(1.5);
  });

  it('shapes holds 8x8 grayscale images: 64 pixel columns in 0..255 and a balanced label', () => {
    const t = load('shapes');
    expect(t.columns).toHaveLength(65);
    expect(t.columns.slice(0, 2)).toEqual(['px_0_0', 'px_0_1']);
    expect(t.columns.at(-1)).toBe('label');
    const pixels = t.rows.flatMap((r) => r.slice(0, 64));
    expect(pixels.every((p) => typeof p === 'number' && p >= 0 && p <= 255)).toBe(true);
    const labels = column(t, 'label');
    for (const shape of ['square', 'circle', 'cross', 'triangle']) expect(share(labels, shape)).toBe(0.25);
  });
});
