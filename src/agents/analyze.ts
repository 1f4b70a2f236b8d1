import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Agent } from './agent.js';
import { loadDataset } from './lib/dataset.js';
import { mean, round, std } from './lib/stats.js';
import { columnValues, isNumericColumn, missingFraction, type Table } from './lib/table.js';

export interface ColumnProfile {
  name: string;
  type: 'number' | 'string' | 'empty';
  missing: number;
  distinct: number;
  min?: number;
  max?: number;
  mean?: number;
  std?: number;
}

export function profileColumns(table: Table): ColumnProfile[] {
  return table.columns.map((name, i) => {
    const values = columnValues(table, i);
    const present = values.filter((v) => v !== null);
    const profile: ColumnProfile = {
      name,
      type: present.length === 0 ? 'empty' : isNumericColumn(table, i) ? 'number' : 'string',
      missing: values.length - present.length,
      distinct: new Set(present).size,
    };
    if (profile.type === 'number') {
      const nums = present as number[];
      profile.min = Math.min(...nums);
      profile.max = Math.max(...nums);
      profile.mean = round(mean(nums));
      profile.std = round(std(nums));
    }
    return profile;
  });
}

/** A profile of the dataset: types, missing values, ranges and the class balance of the last column. */
export const analyze: Agent = {
  name: 'analyze',
  summary: 'profile columns: types, missing values, ranges, class counts',
  run(args, ctx) {
    const { table, path: source } = loadDataset(args, ctx);
    const columns = profileColumns(table);
    const last = table.columns.length - 1;
    const classCounts: Record<string, number> = {};
    for (const v of columnValues(table, last)) if (v !== null) classCounts[String(v)] = (classCounts[String(v)] ?? 0) + 1;
    const missing = round(missingFraction(table));
    const profile = { dataset: source, rows: table.rows.length, missing, columns, target: table.columns[last], class_counts: classCounts };
    const path = join(ctx.artifactsDir(), 'profile.json');
    writeFileSync(path, `${JSON.stringify(profile, null, 2)}\n`);
    for (const c of columns) {
      const range = c.type === 'number' ? ` min ${c.min} max ${c.max} mean ${c.mean}` : ` ${c.distinct} distinct`;
      console.log(`${c.name}: ${c.type}, ${c.missing} missing,${range}`);
    }
    if (missing > 0) ctx.warn(`${(missing * 100).toFixed(1)}% of cells are missing`);
    return {
      rows: table.rows.length,
      columns: table.columns.length,
      missing,
      numeric: columns.filter((c) => c.type === 'number').length,
      classes: Object.keys(classCounts).length,
      profile: path,
    };
  },
};
