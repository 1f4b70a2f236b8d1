import type { Agent } from './agent.js';
import { num, str } from './lib/args.js';
import { loadTable } from './lib/dataset.js';
import { BadInputError } from './lib/errors.js';
import { mean, round, std } from './lib/stats.js';
import { columnValues, isNumericColumn } from './lib/table.js';

/**
 * Data drift of a current batch against a reference: per numeric column, how far the mean moved
 * in units of the reference standard deviation; drift is the largest shift.
 */
export const monitor: Agent = {
  name: 'monitor',
  summary: 'measure data drift of a batch against a reference dataset',
  run(args, ctx) {
    const env = str(args, 'env', 'staging');
    const threshold = num(args, 'threshold', 0.1, { min: 0 });
    const metric = str(args, 'metric', 'accuracy');
    const datasetArg = str(args, 'dataset');
    const referenceArg = str(args, 'reference');
    if (datasetArg === undefined || referenceArg === undefined) {
      throw new BadInputError('monitor needs dataset (the current batch) and reference (the training data) for now; live metrics come later');
    }
    if (str(args, 'every') !== undefined) ctx.warn('every: scheduled monitoring is not available yet; checked once');
    const current = loadTable(datasetArg, ctx, 'dataset').table;
    const reference = loadTable(referenceArg, ctx, 'reference').table;
    const shifts: { column: string; shift: number }[] = [];
    reference.columns.forEach((name, r) => {
      const c = current.columns.indexOf(name);
      if (c < 0 || !isNumericColumn(reference, r) || !isNumericColumn(current, c)) return;
      const ref = columnValues(reference, r).filter((v): v is number => v !== null);
      const cur = columnValues(current, c).filter((v): v is number => v !== null);
      if (ref.length === 0 || cur.length === 0) return;
      const diff = Math.abs(mean(cur) - mean(ref));
      const sd = std(ref);
      // A constant reference column: any change at all counts as full drift.
      shifts.push({ column: name, shift: sd === 0 ? (diff === 0 ? 0 : 1 + threshold) : diff / sd });
    });
    if (shifts.length === 0) throw new BadInputError('dataset and reference share no numeric columns to compare');
    const worst = shifts.reduce((a, b) => (b.shift > a.shift ? b : a));
    for (const s of shifts) console.log(`${s.column}: mean shift ${s.shift.toFixed(3)} reference std`);
    const drift = round(worst.shift);
    const detected = worst.shift > threshold;
    if (detected) ctx.warn(`drift ${drift} in ${worst.column} exceeds threshold ${threshold}`);
    return { drift, drift_detected: detected, column: worst.column, columns: shifts.length, env, metric, threshold };
  },
};
