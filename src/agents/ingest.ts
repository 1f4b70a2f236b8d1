import { readFileSync, writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Agent } from './agent.js';
import { oneOf, requiredStr } from './lib/args.js';
import { inferSchema, type SchemaFile } from './lib/columnTypes.js';
import { locateDataset } from './lib/dataset.js';
import { BadInputError } from './lib/errors.js';
import { lineageInput, lineageRecord, sha256, writeLineage, type LineageInput } from './lib/lineage.js';
import type { StepContext } from './lib/protocol.js';
import { SAMPLES } from './lib/samples.js';
import { FORMATS, formatOf, parseTable, toCsv, type Format, type Table } from './lib/table.js';
import { artifactFile } from './lib/artifacts.js';

interface Source {
  table: Table;
  name: string;
  /** What the lineage names as the input: the file, or `sample:<name>`. */
  input: LineageInput;
}

function readSource(value: string, format: Format | undefined, ctx: StepContext): Source {
  const where = locateDataset(value, ctx, 'source');
  if ('sample' in where) {
    const table = (SAMPLES[where.sample] as (typeof SAMPLES)[string]).load();
    return { table, name: where.sample, input: lineageInput(`sample:${where.sample}`, toCsv(table)) };
  }
  if (/^\.parquet$/i.test(extname(where.path))) {
    throw new BadInputError(`${where.path} is Parquet, which baton cannot read without native code; export it to CSV or JSON Lines first`);
  }
  // Hash the very bytes parsed, so the lineage names what was read even if the file changes later.
  const bytes = readFileSync(where.path);
  const table = parseTable(bytes.toString('utf8'), format ?? formatOf(where.path) ?? 'csv', where.path);
  return { table, name: basename(where.path, extname(where.path)), input: lineageInput(where.path, bytes) };
}

/** Reads csv, json or jsonl and writes a normalized CSV, its inferred schema and where it came from. */
export const ingest: Agent = {
  name: 'ingest',
  summary: 'read a csv/json/jsonl source into a normalized CSV with a schema and lineage',
  run(args, ctx) {
    const source = requiredStr(args, 'source', 'the data file to read (csv, json or jsonl), or a sample name such as iris');
    if (args.format === 'parquet') throw new BadInputError('format parquet is not supported (no reader without native code); export the data to CSV or JSON Lines first');
    const format = args.format === undefined || args.format === null ? undefined : oneOf(args, 'format', FORMATS, 'csv');
    const { table, name, input } = readSource(source, format, ctx);
    if (table.rows.length === 0) ctx.warn(`source ${source} has a header but no rows`);
    const path = artifactFile(ctx, `${name}.csv`);
    const text = toCsv(table);
    writeFileSync(path, text);
    const hash = sha256(text);

    const columns = inferSchema(table);
    const schemaPath = artifactFile(ctx, 'schema.json');
    const schema: SchemaFile = { format: 'baton-schema/1', source: input.path, rows: table.rows.length, columns };
    writeFileSync(schemaPath, `${JSON.stringify(schema, null, 2)}\n`);
    const record = lineageRecord(ctx, { artifact: path, sha256: hash, rows: table.rows.length, columns: table.columns.length, schema: schemaPath, inputs: [input] });
    const lineage = writeLineage(ctx, record);

    console.log(`read ${table.rows.length.toLocaleString('en-US')} rows and ${table.columns.length} columns from ${input.path} (sha256 ${input.sha256.slice(0, 12)})`);
    const width = Math.max(...table.columns.map((c) => c.length));
    for (const [column, s] of Object.entries(columns)) console.log(`  ${column.padEnd(width)}  ${s.type}${s.nullable ? ', nullable' : ''}`);
    console.log(`wrote ${path} (sha256 ${hash.slice(0, 12)})`);
    return { path, rows: table.rows.length, columns: table.columns.length, column_names: table.columns, hash, schema: schemaPath, lineage };
  },
};
