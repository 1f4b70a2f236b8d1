#!/usr/bin/env node
// A raw step, as a user would write one: generates a seeded synthetic churn table and reports
// where it went through BATON_OUTPUT. Run by examples/pipeline.yaml as [node, scripts/prep.js, ...].
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const rows = Number(flag('rows', '1000'));
const seed = Number(flag('seed', '7'));
if (!Number.isInteger(rows) || rows < 10) {
  console.error(`--rows must be a whole number of at least 10, got ${flag('rows')}`);
  process.exit(2);
}

// mulberry32: small, seeded, good enough for sample data.
let state = seed >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const lines = ['tenure_months,monthly_charges,support_tickets,usage_gb,churned'];
for (let i = 0; i < rows; i++) {
  const tenure = Math.floor(random() * 72) + 1;
  const charges = Math.round((20 + random() * 100) * 100) / 100;
  const tickets = Math.floor(random() * 6);
  const usage = Math.round(random() * 50 * 10) / 10;
  const risk = 0.9 * (tickets / 5) + 0.8 * (charges / 120) - 1.1 * (tenure / 72) + (random() - 0.5) * 0.4;
  lines.push(`${tenure},${charges},${tickets},${usage},${risk > 0.2 ? 'yes' : 'no'}`);
  if ((i + 1) % Math.ceil(rows / 4) === 0) console.log(`::progress ${i + 1}/${rows} generating rows`);
}

const dir = join(process.env.BATON_WORKSPACE ?? '.', 'data');
mkdirSync(dir, { recursive: true });
const path = join(dir, 'churn.csv');
writeFileSync(path, `${lines.join('\n')}\n`);
console.log(`wrote ${rows} rows to ${path}`);
if (process.env.BATON_OUTPUT) appendFileSync(process.env.BATON_OUTPUT, `path=${path}\nrows=${rows}\n`);
