import { createHash } from 'node:crypto';
import { basename, extname, join } from 'node:path';
import type { Agent } from './agent.js';
import { oneOf, requiredStr } from './lib/args.js';
import { loadTable } from './lib/dataset.js';
import { FORMATS, writeCsv } from './lib/table.js';

/** Reads csv, json or jsonl and writes a normalized CSV copy for the steps after it. */
export const ingest: Agent = {
  name: 'ingest',
  summary: 'read a csv/json/jsonl source into a normalized CSV',
  run(args, ctx) {
    const source = requiredStr(args, 'source', 'the data file to read (csv, json or jsonl), or the sample name iris');
    const format = args.format === undefined || args.format === null ? undefined : oneOf(args, 'format', FORMATS, 'csv');
    const loaded = loadTable(source, ctx, 'source', format);
    const name = loaded.sample ?? basename(loaded.path, extname(loaded.path));
    const path = join(ctx.artifactsDir(), `${name}.csv`);
    const text = writeCsv(path, loaded.table);
    const { columns, rows } = loaded.table;
    console.log(`read ${rows.length} rows and ${columns.length} columns from ${loaded.path}`);
    return {
      path,
      rows: rows.length,
      columns: columns.length,
      column_names: columns,
      hash: createHash('sha256').update(text).digest('hex'),
    };
  },
};
