import { writeFileSync } from 'node:fs';
import type { Agent } from './agent.js';
import { absolute, str } from './lib/args.js';
import { loadDataset } from './lib/dataset.js';
import { BadInputError } from './lib/errors.js';
import { readSchemaFile, specFromArgs } from './lib/gateSources.js';
import { emptySpec, mergeSpecs } from './lib/gateSpec.js';
import { percent } from './lib/profileSummary.js';
import { checkGates, type ResolvedGates, type Violation } from './lib/qualityGates.js';
import { round } from './lib/stats.js';
import { missingFraction } from './lib/table.js';
import { artifactFile } from './lib/artifacts.js';

// Defaults when neither the arguments nor the schema file set them; the command file leaves them
// out of its own defaults, or the engine would fill them in and override the schema file.
const DEFAULT_MAX_MISSING = 0.1;
const DEFAULT_MIN_ROWS = 1;
// The stderr line stays readable; the log and violations.json have them all.
const IN_SUMMARY = 5;

const columnsText = (names: readonly string[]): string => (names.length <= 3 ? names.join(', ') : `${names.length} columns`);

function gatesText(g: ResolvedGates): string {
  const parts = [`min_rows ${g.min_rows}`, `max_missing ${percent(g.max_missing.all ?? 0)}`];
  const perColumn = Object.keys(g.max_missing.columns).length;
  if (perColumn) parts.push(`max_missing for ${perColumn} column${perColumn > 1 ? 's' : ''}`);
  if (g.required.length) parts.push(`${g.required.length} required`);
  for (const key of ['types', 'ranges', 'allowed'] as const) if (Object.keys(g[key]).length) parts.push(`${key} for ${columnsText(Object.keys(g[key]))}`);
  if (g.max_duplicates !== undefined) parts.push(`max_duplicates ${g.max_duplicates < 1 ? percent(g.max_duplicates) : g.max_duplicates}`);
  if (g.outliers.all) parts.push(`outliers (${g.outliers.all.method}) in numeric columns`);
  if (Object.keys(g.outliers.columns).length) parts.push(`outliers in ${columnsText(Object.keys(g.outliers.columns))}`);
  return parts.join(', ');
}

function failureLine(violations: readonly Violation[]): string {
  const shown = violations.slice(0, IN_SUMMARY).map((v) => v.message);
  const more = violations.length > IN_SUMMARY ? `; and ${violations.length - IN_SUMMARY} more (see violations.json)` : '';
  return `validation failed: ${violations.length} violation${violations.length > 1 ? 's' : ''}: ${shown.join('; ')}${more}`;
}

function where(v: Violation): string {
  if (!v.rows?.length) return '';
  return `; row${v.rows.length > 1 ? 's' : ''} ${v.rows.join(', ')}${(v.count ?? 0) > v.rows.length ? ', …' : ''}`;
}

/** Quality gates on a dataset: a failed gate fails the step (exit 2) unless mode is report-only. */
export const validate: Agent = {
  name: 'validate',
  summary: 'check a dataset against quality gates: columns, types, missing values, ranges, allowed values, duplicates, outliers',
  run(args, ctx) {
    const { table, path: source } = loadDataset(args, ctx);
    const schemaArg = str(args, 'schema');
    const schema = schemaArg === undefined ? undefined : absolute(schemaArg, ctx.planDir);
    const { mode = 'fail', ...spec } = mergeSpecs(schema === undefined ? emptySpec() : readSchemaFile(schema), specFromArgs(args));
    const gates: ResolvedGates = {
      ...spec,
      max_missing: { all: spec.max_missing.all ?? DEFAULT_MAX_MISSING, columns: spec.max_missing.columns },
      min_rows: spec.min_rows ?? DEFAULT_MIN_ROWS,
    };
    const violations = checkGates(table, gates);
    const passed = violations.length === 0;
    const rows = table.rows.length;
    const report = artifactFile(ctx, 'violations.json');
    writeFileSync(report, `${JSON.stringify({ dataset: source, schema: schema ?? null, rows, columns: table.columns.length, mode, passed, gates, violations }, null, 2)}\n`);
    const outputs = { rows, missing: round(missingFraction(table)), passed, violations: violations.length, report };

    console.log(`checked ${rows.toLocaleString('en-US')} rows and ${table.columns.length} columns: ${gatesText(gates)}`);
    if (passed) {
      console.log('validation passed');
      return outputs;
    }
    if (mode === 'report-only') {
      for (const v of violations) ctx.warn(`${v.message}${where(v)}`);
      console.log(`${violations.length} violation${violations.length > 1 ? 's' : ''}; mode report-only, so the step succeeds with passed: false (${report})`);
      return outputs;
    }
    for (const v of violations) console.log(`✖ ${v.message}${where(v)}`);
    console.log(`every violation is in ${report}`);
    throw new BadInputError(failureLine(violations));
  },
};
