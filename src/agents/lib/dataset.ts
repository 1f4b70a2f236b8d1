import { existsSync, statSync } from 'node:fs';
import { absolute, requiredStr } from './args.js';
import { BadInputError } from './errors.js';
import type { Args, StepContext } from './protocol.js';
import { SAMPLES, SAMPLE_NAMES, sampleName } from './samples.js';
import { FORMATS, formatOf, readTable, writeCsv, type Format, type Table } from './table.js';
import { artifactFile } from './artifacts.js';

export { SAMPLES, SAMPLE_NAMES } from './samples.js';

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
  const name = isBareName(value) ? sampleName(value) : undefined;
  if (name) return { sample: name };
  throw new BadInputError(`${argName} not found: ${path}; give the path of a csv, json or jsonl file, or a sample name (${SAMPLE_NAMES.join(', ')})`);
}

export function loadTable(value: string, ctx: StepContext, argName = 'dataset', format?: Format): LoadedDataset {
  const where = locateDataset(value, ctx, argName);
  if ('sample' in where) {
    const table = (SAMPLES[where.sample] as (typeof SAMPLES)[string]).load();
    const path = artifactFile(ctx, `${where.sample}.csv`);
    writeCsv(path, table);
    return { table, path, sample: where.sample };
  }
  // No package reads Parquet without native code here: say so rather than parse it as CSV.
  if (/\.parquet$/i.test(where.path)) throw new BadInputError(`${argName} ${value} is Parquet, which Baton does not read; export it to CSV or JSON Lines first`);
  const fmt = format ?? formatOf(where.path) ?? 'csv';
  if (!FORMATS.includes(fmt)) throw new BadInputError(`format ${String(fmt)} is not supported; use ${FORMATS.join(', ')}`);
  return { table: readTable(where.path, fmt), path: where.path };
}

/** The `dataset` argument, loaded. */
export function loadDataset(args: Args, ctx: StepContext, argName = 'dataset'): LoadedDataset {
  const value = requiredStr(args, argName, `the path of a csv, json or jsonl file, or a sample name (${SAMPLE_NAMES.join(', ')})`);
  const loaded = loadTable(value, ctx, argName);
  if (loaded.table.rows.length === 0) throw new BadInputError(`${argName} ${value} has a header but no rows`);
  return loaded;
}
