import { basename, extname, join } from 'node:path';
import type { Agent } from './agent.js';
import { list } from './lib/args.js';
import { loadDataset } from './lib/dataset.js';
import { BadInputError } from './lib/errors.js';
import { mean, round, std } from './lib/stats.js';
import { columnValues, isNumericColumn, writeCsv, type Table } from './lib/table.js';

type Step = (table: Table, features: number[], warn: (t: string) => void) => Table;

/** Numeric missing values become the column mean. */
const imputeStep: Step = (table, features, warn) => {
  const means = new Map(features.map((i) => [i, mean(columnValues(table, i).filter((v): v is number => v !== null))]));
  const untouched = table.columns.filter((_, i) => !means.has(i) && table.rows.some((r) => r[i] === null));
  if (untouched.length) warn(`impute fills numeric columns only; still missing in ${untouched.join(', ')}`);
  return { columns: table.columns, rows: table.rows.map((r) => r.map((v, i) => (v === null && means.has(i) ? (means.get(i) ?? 0) : v))) };
};

/** Numeric features become z-scores; a constant column becomes 0. */
const scaleStep: Step = (table, features) => {
  const stats = new Map(
    features.map((i) => {
      const values = columnValues(table, i).filter((v): v is number => v !== null);
      return [i, { m: mean(values), s: std(values) }];
    }),
  );
  return {
    columns: table.columns,
    rows: table.rows.map((r) =>
      r.map((v, i) => {
        const st = stats.get(i);
        if (!st || v === null || typeof v !== 'number') return v;
        return st.s === 0 ? 0 : round((v - st.m) / st.s, 6);
      }),
    ),
  };
};

/** Rows with any missing cell are removed. */
const dropMissingStep: Step = (table) => ({ columns: table.columns, rows: table.rows.filter((r) => r.every((v) => v !== null)) });

const STEPS: Record<string, Step> = { impute: imputeStep, scale: scaleStep, 'drop-missing': dropMissingStep };

/** Applies the listed steps in order; the target (last column) is never changed. */
export const preprocess: Agent = {
  name: 'preprocess',
  summary: 'impute missing numbers with the mean, scale numeric features to z-scores',
  run(args, ctx) {
    const loaded = loadDataset(args, ctx);
    const steps = list(args, 'steps', ['impute', 'scale']).map((s) => s.toLowerCase().replace(/[\s_]+/g, '-'));
    const unknown = steps.filter((s) => !STEPS[s]);
    if (unknown.length) throw new BadInputError(`unknown preprocessing step ${unknown.join(', ')}; available: ${Object.keys(STEPS).join(', ')}`);
    let table = loaded.table;
    const target = table.columns.length - 1;
    const features = table.columns.map((_, i) => i).filter((i) => i !== target && isNumericColumn(table, i));
    steps.forEach((name, n) => {
      ctx.progress(n + 1, steps.length, name);
      table = (STEPS[name] as Step)(table, features, (t) => ctx.warn(t));
    });
    const path = join(ctx.artifactsDir(), `${loaded.sample ?? basename(loaded.path, extname(loaded.path))}.preprocessed.csv`);
    writeCsv(path, table);
    return { path, rows: table.rows.length, columns: table.columns.length, steps };
  },
};
