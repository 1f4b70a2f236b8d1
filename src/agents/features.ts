import { basename, extname, join } from 'node:path';
import type { Agent } from './agent.js';
import { oneOf } from './lib/args.js';
import { loadDataset } from './lib/dataset.js';
import { BadInputError } from './lib/errors.js';
import { isNumericColumn, writeCsv, type Cell } from './lib/table.js';

const METHODS = ['interactions', 'polynomial'] as const;

/** New columns from numeric features (pairwise products or squares), inserted before the target. */
export const features: Agent = {
  name: 'features',
  summary: 'add interaction (pairwise product) or polynomial (square) features',
  run(args, ctx) {
    const loaded = loadDataset(args, ctx);
    const method = oneOf(args, 'method', METHODS, 'interactions');
    const { columns, rows } = loaded.table;
    const target = columns.length - 1;
    const numeric = columns.map((_, i) => i).filter((i) => i !== target && isNumericColumn(loaded.table, i));
    if (numeric.length === 0) throw new BadInputError('no numeric feature columns to build features from');
    const made: { name: string; value: (r: Cell[]) => Cell }[] = [];
    const mul = (a: Cell, b: Cell): Cell => (typeof a === 'number' && typeof b === 'number' ? a * b : null);
    if (method === 'polynomial') {
      for (const i of numeric) made.push({ name: `${columns[i]}_sq`, value: (r) => mul(r[i] ?? null, r[i] ?? null) });
    } else {
      numeric.forEach((i, a) => {
        for (const j of numeric.slice(a + 1)) made.push({ name: `${columns[i]}_x_${columns[j]}`, value: (r) => mul(r[i] ?? null, r[j] ?? null) });
      });
    }
    const table = {
      columns: [...columns.slice(0, target), ...made.map((m) => m.name), columns[target] ?? 'target'],
      rows: rows.map((r) => [...r.slice(0, target), ...made.map((m) => m.value(r)), r[target] ?? null]),
    };
    const path = join(ctx.artifactsDir(), `${loaded.sample ?? basename(loaded.path, extname(loaded.path))}.features.csv`);
    writeCsv(path, table);
    console.log(`added ${made.length} ${method} columns: ${made.map((m) => m.name).join(', ')}`);
    return { path, columns: table.columns.length, added: made.length, rows: rows.length };
  },
};
