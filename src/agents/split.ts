import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Agent } from './agent.js';
import { bool, int, num, str } from './lib/args.js';
import { loadDataset } from './lib/dataset.js';
import { BadInputError } from './lib/errors.js';
import type { StepContext } from './lib/protocol.js';
import { kFolds } from './lib/random.js';
import { foldsFrom, groupFolds, groupSplit, orderBy, randomSplit, timeFolds, timeSplit, type Fold, type Parts } from './lib/splitRows.js';
import { writeCsv, type Table } from './lib/table.js';
import { artifactFile } from './lib/artifacts.js';

type Kind = 'stratified' | 'random' | 'group' | 'time';

function pick(table: Table, rows: readonly number[]): Table {
  return { columns: table.columns, rows: rows.map((i) => table.rows[i] ?? []) };
}

function column(table: Table, name: string, arg: string): number {
  const i = table.columns.indexOf(name);
  if (i < 0) throw new BadInputError(`${arg} column "${name}" not found; columns: ${table.columns.join(', ')}`);
  return i;
}

/** Test rows for `test_size`: below 1 a fraction of the rows, from 1 up a number of rows. */
function testRows(testSize: number, n: number, arg: string): number {
  if (testSize <= 0) throw new BadInputError('argument test_size is 0; give a fraction of the rows such as 0.2, or a number of rows');
  if (testSize >= 1 && !Number.isInteger(testSize)) throw new BadInputError(`argument test_size is ${testSize}; from 1 up it is a number of rows and must be whole, below 1 a fraction`);
  const rows = testSize < 1 ? Math.max(1, Math.round(n * testSize)) : testSize;
  if (rows >= n) throw new BadInputError(`${arg} ${testSize} leaves no training rows: the data has ${n} rows; give fewer test rows or a fraction such as 0.2`);
  return rows;
}

/** Labels of the target, when it looks like classes (few distinct values). */
function strata(table: Table, target: number): string[] | undefined {
  const labels = table.rows.map((r) => String(r[target] ?? ''));
  return new Set(labels).size <= Math.max(20, table.rows.length / 10) ? labels : undefined;
}

function writeFolds(table: Table, trainRows: readonly number[], folds: readonly Fold[], meta: Record<string, unknown>, ctx: StepContext): string {
  const foldDir = artifactFile(ctx, 'folds');
  mkdirSync(foldDir, { recursive: true });
  const index = folds.map((f, k) => {
    const train = artifactFile(ctx, join('folds', `fold${k + 1}_train.csv`));
    const validation = artifactFile(ctx, join('folds', `fold${k + 1}_validation.csv`));
    writeCsv(train, pick(table, f.train.map((i) => trainRows[i] ?? 0)));
    writeCsv(validation, pick(table, f.validation.map((i) => trainRows[i] ?? 0)));
    ctx.progress(k + 1, folds.length, `fold ${k + 1}`);
    return { fold: k + 1, train, validation, rows_train: f.train.length, rows_validation: f.validation.length };
  });
  writeFileSync(artifactFile(ctx, join('folds', 'folds.json')), `${JSON.stringify({ ...meta, folds: index }, null, 2)}\n`);
  return foldDir;
}

/**
 * Train and test files: a seeded shuffle stratified by the target's classes, whole groups to one
 * side (`group`), or the latest rows as test (`order_by`); `folds` also writes k folds of the
 * training rows with a folds.json index.
 */
export const split: Agent = {
  name: 'split',
  summary: 'train/test split: seeded and stratified, by group, or by time; optionally k folds',
  run(args, ctx) {
    const { table } = loadDataset(args, ctx);
    const n = table.rows.length;
    // test_rows exists because plans cap test_size at 1; by hand test_size may be a count too.
    const count = int(args, 'test_rows', undefined, { min: 1 });
    const nTest = count === undefined ? testRows(num(args, 'test_size', 0.2, { min: 0 }), n, 'test_size') : testRows(count, n, 'test_rows');
    const folds = int(args, 'folds', undefined, { min: 2 });
    const seed = int(args, 'seed', 42);
    const targetName = str(args, 'target') ?? table.columns.at(-1) ?? '';
    const target = column(table, targetName, 'target');
    const groupName = str(args, 'group');
    const orderName = str(args, 'order_by');
    if (groupName !== undefined && orderName !== undefined) throw new BadInputError('give group or order_by, not both: a time split already keeps each time on one side');

    let kind: Kind;
    let parts: Parts;
    let groups: string[] | undefined;
    let labels: string[] | undefined;
    if (orderName !== undefined) {
      kind = 'time';
      const { order, missing } = orderBy(table.rows.map((r) => r[column(table, orderName, 'order_by')] ?? null));
      if (missing) ctx.warn(`${missing} rows have no ${orderName}; they count as the earliest and go to train`);
      parts = timeSplit(order, nTest);
    } else if (groupName !== undefined) {
      kind = 'group';
      const g = column(table, groupName, 'group');
      // A row without a group is a group of its own.
      groups = table.rows.map((r, i) => (r[g] === null || r[g] === undefined ? `\u0000row ${i}` : String(r[g])));
      parts = groupSplit(groups, nTest, seed);
      if (parts.test.length !== nTest) ctx.warn(`whole groups give ${parts.test.length} test rows rather than ${nTest}`);
    } else {
      labels = bool(args, 'stratify', true) ? strata(table, target) : undefined;
      if (bool(args, 'stratify', true) && !labels) ctx.warn(`${targetName} has too many distinct values to stratify by; splitting without stratification`);
      kind = labels ? 'stratified' : 'random';
      parts = randomSplit(n, nTest, seed, labels);
    }

    const train = artifactFile(ctx, 'train.csv');
    const test = artifactFile(ctx, 'test.csv');
    writeCsv(train, pick(table, parts.train));
    writeCsv(test, pick(table, parts.test));
    let foldsDir: string | null = null;
    if (folds !== undefined) {
      if (folds > parts.train.length) throw new BadInputError(`folds ${folds} is more than the ${parts.train.length} training rows; give fewer folds`);
      const trainGroups = groups ? parts.train.map((i) => groups?.[i] ?? '') : undefined;
      const distinct = new Set(trainGroups).size;
      if (trainGroups && folds > distinct) throw new BadInputError(`folds ${folds} is more than the ${distinct} groups of ${groupName} in the training rows; give fewer folds`);
      const trainLabels = labels ? parts.train.map((i) => labels?.[i] ?? '') : undefined;
      const made =
        kind === 'time'
          ? timeFolds(parts.train.length, folds)
          : foldsFrom(trainGroups ? groupFolds(trainGroups, folds, seed) : kFolds(parts.train.length, folds, seed, trainLabels), parts.train.length);
      foldsDir = writeFolds(table, parts.train, made, { kind, seed, target: targetName, group: groupName ?? null, order_by: orderName ?? null }, ctx);
    }
    const how = kind === 'stratified' ? `stratified by ${targetName}, seed ${seed}` : kind === 'time' ? `latest by ${orderName} as test` : kind === 'group' ? `groups of ${groupName} kept whole, seed ${seed}` : `seed ${seed}`;
    console.log(`split ${n} rows: ${parts.train.length} train, ${parts.test.length} test (${how})${folds ? `; ${folds} folds in ${foldsDir}` : ''}`);
    return { train, test, rows_train: parts.train.length, rows_test: parts.test.length, folds: folds ?? null, folds_dir: foldsDir };
  },
};
