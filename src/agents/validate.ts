import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Agent } from './agent.js';
import { absolute, int, num, str } from './lib/args.js';
import { loadDataset } from './lib/dataset.js';
import { BadInputError } from './lib/errors.js';
import { round } from './lib/stats.js';
import { isNumericColumn, missingFraction, type Table } from './lib/table.js';

type ColumnType = 'number' | 'string' | 'any';

/** A schema file: a list of column names, or { columns: [names] | { name: type } }. */
function readSchema(path: string): Map<string, ColumnType> {
  if (!existsSync(path)) throw new BadInputError(`schema not found: ${path}; give a JSON or YAML file listing the required columns`);
  let data: unknown;
  try {
    data = parseYaml(readFileSync(path, 'utf8'));
  } catch {
    throw new BadInputError(`schema ${path} is not valid JSON or YAML`);
  }
  const spec = data && typeof data === 'object' && !Array.isArray(data) && 'columns' in data ? data.columns : data;
  const columns = new Map<string, ColumnType>();
  if (Array.isArray(spec)) {
    for (const c of spec) columns.set(String(c), 'any');
  } else if (spec && typeof spec === 'object') {
    for (const [name, type] of Object.entries(spec)) {
      const t = String(type);
      columns.set(name, t === 'number' || t === 'numeric' ? 'number' : t === 'string' || t === 'category' ? 'string' : 'any');
    }
  } else {
    throw new BadInputError(`schema ${path} must list columns: [a, b] or { columns: { a: number, b: string } }`);
  }
  return columns;
}

function violations(table: Table, maxMissing: number, minRows: number, schema?: Map<string, ColumnType>): string[] {
  const found: string[] = [];
  if (table.rows.length < minRows) found.push(`${table.rows.length} rows, fewer than min_rows ${minRows}`);
  table.columns.forEach((name, i) => {
    const missing = table.rows.filter((r) => r[i] === null).length / Math.max(1, table.rows.length);
    if (missing > maxMissing) found.push(`column ${name} is ${(missing * 100).toFixed(1)}% missing (max_missing ${maxMissing})`);
  });
  for (const [name, type] of schema ?? []) {
    const i = table.columns.indexOf(name);
    if (i < 0) found.push(`required column ${name} is absent`);
    else if (type === 'number' && !isNumericColumn(table, i)) found.push(`column ${name} should be numeric`);
  }
  return found;
}

/** A quality gate: fails (exit 2) with every violation on one line. */
export const validate: Agent = {
  name: 'validate',
  summary: 'check row count, missing values and a column schema',
  run(args, ctx) {
    const { table } = loadDataset(args, ctx);
    const maxMissing = num(args, 'max_missing', 0.1, { min: 0, max: 1 });
    const minRows = int(args, 'min_rows', 1, { min: 0 });
    const schemaPath = str(args, 'schema');
    const schema = schemaPath === undefined ? undefined : readSchema(absolute(schemaPath, ctx.planDir));
    const found = violations(table, maxMissing, minRows, schema);
    const outputs = { rows: table.rows.length, missing: round(missingFraction(table)), passed: found.length === 0, violations: found.length };
    if (found.length > 0) {
      console.error(`validation failed (${found.length}): ${found.join('; ')}`);
      ctx.exitCode = 2;
    } else {
      console.log(`validation passed: ${table.rows.length} rows, ${table.columns.length} columns`);
    }
    return outputs;
  },
};
