import { writeFileSync } from 'node:fs';
import type { Agent } from './agent.js';
import { str } from './lib/args.js';
import { loadDataset } from './lib/dataset.js';
import { BadInputError } from './lib/errors.js';
import { correlations, profileColumn, profileTarget } from './lib/profile.js';
import { columnLine, percent, summaryLines } from './lib/profileSummary.js';
import { round } from './lib/stats.js';
import { missingFraction } from './lib/table.js';
import { artifactFile } from './lib/artifacts.js';

// Pairs printed and returned; the whole matrix is in profile.json.
const TOP_PAIRS = 5;

/** A profile of the dataset: per-column statistics, the target's balance, correlations and a summary. */
export const analyze: Agent = {
  name: 'analyze',
  summary: 'profile columns, class balance, correlations and a short summary',
  run(args, ctx) {
    const { table, path: source } = loadDataset(args, ctx);
    const targetName = str(args, 'target');
    const t = targetName === undefined ? table.columns.length - 1 : table.columns.indexOf(targetName);
    if (t < 0) throw new BadInputError(`target column "${targetName}" not found; columns: ${table.columns.join(', ')}`);

    const columns = table.columns.map((_, i) => profileColumn(table, i));
    ctx.progress(1, 3, 'columns profiled');
    const target = profileTarget(table, t);
    const corr = correlations(table, t);
    ctx.progress(2, 3, `${corr.pairs.length} correlations`);
    const summary = summaryLines(table.rows.length, columns, target, corr);
    const missing = round(missingFraction(table));
    const path = artifactFile(ctx, 'profile.json');
    const profile = {
      dataset: source,
      rows: table.rows.length,
      missing,
      summary,
      columns,
      target: target.name,
      target_kind: target.kind,
      class_counts: Object.fromEntries(target.classes.map((c) => [c.label, c.count])),
      imbalance: target.imbalance,
      correlations: corr,
    };
    writeFileSync(path, `${JSON.stringify(profile, null, 2)}\n`);
    ctx.progress(3, 3, 'profile written');

    const width = Math.max(...table.columns.map((c) => c.length));
    for (const c of columns) console.log(columnLine(c, width));
    const top = corr.pairs.slice(0, TOP_PAIRS);
    if (top.length) console.log(`strongest correlations: ${top.map((p) => `${p.a} ~ ${p.b} ${p.r.toFixed(2)}`).join(', ')}`);
    console.log('');
    for (const line of summary) console.log(line);
    if (missing > 0) ctx.warn(`${percent(missing)} of cells are missing`);
    return {
      rows: table.rows.length,
      columns: table.columns.length,
      missing,
      numeric: columns.filter((c) => c.mean !== undefined).length,
      classes: target.classes.length,
      profile: path,
      summary: summary.join('; '),
      imbalance: target.imbalance,
      correlations: top,
    };
  },
};
