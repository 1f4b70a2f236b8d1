import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Agent } from './agent.js';
import { bool, int, num } from './lib/args.js';
import { loadDataset } from './lib/dataset.js';
import { kFolds, trainTestSplit } from './lib/random.js';
import { writeCsv, type Table } from './lib/table.js';

function pick(table: Table, rows: readonly number[]): Table {
  return { columns: table.columns, rows: rows.map((i) => table.rows[i] ?? []) };
}

/** Labels of the last column, when it looks like classes (few distinct values). */
function strata(table: Table): string[] | undefined {
  const labels = table.rows.map((r) => String(r[r.length - 1] ?? ''));
  return new Set(labels).size <= Math.max(20, table.rows.length / 10) ? labels : undefined;
}

/** A seeded train/test split, stratified by the last column; optionally k fold files too. */
export const split: Agent = {
  name: 'split',
  summary: 'seeded (stratified) train/test split, optionally k folds',
  run(args, ctx) {
    const { table } = loadDataset(args, ctx);
    const testSize = num(args, 'test_size', 0.2, { min: 0, max: 1 });
    const folds = int(args, 'folds', undefined, { min: 2 });
    const seed = int(args, 'seed', 42);
    let labels = bool(args, 'stratify', true) ? strata(table) : undefined;
    if (bool(args, 'stratify', true) && !labels) ctx.warn('the last column has too many distinct values to stratify by; splitting without stratification');
    const n = table.rows.length;
    const parts = trainTestSplit(n, testSize, seed, labels);
    const dir = ctx.artifactsDir();
    const train = join(dir, 'train.csv');
    const test = join(dir, 'test.csv');
    writeCsv(train, pick(table, parts.train));
    writeCsv(test, pick(table, parts.test));
    const outputs: Record<string, unknown> = { train, test, rows_train: parts.train.length, rows_test: parts.test.length };
    if (folds !== undefined) {
      const foldDir = join(dir, 'folds');
      mkdirSync(foldDir, { recursive: true });
      labels = labels ? parts.train.map((i) => labels?.[i] ?? '') : undefined;
      kFolds(parts.train.length, folds, seed, labels).forEach((testRows, k) => {
        const inTest = new Set(testRows);
        const trainRows = parts.train.filter((_, i) => !inTest.has(i));
        writeCsv(join(foldDir, `fold${k + 1}_train.csv`), pick(table, trainRows));
        writeCsv(join(foldDir, `fold${k + 1}_test.csv`), pick(table, testRows.map((i) => parts.train[i] ?? 0)));
        ctx.progress(k + 1, folds, `fold ${k + 1}`);
      });
      outputs.folds = folds;
      outputs.folds_dir = foldDir;
    }
    console.log(`split ${n} rows: ${parts.train.length} train, ${parts.test.length} test (seed ${seed})`);
    return outputs;
  },
};
