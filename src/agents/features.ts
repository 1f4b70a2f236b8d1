import { basename, extname } from 'node:path';
import type { Agent } from './agent.js';
import { absolute, int, list, num, oneOf, str } from './lib/args.js';
import { loadDataset } from './lib/dataset.js';
import { BadInputError } from './lib/errors.js';
import { FEATURE_METHODS, buildFeatures, fitMethod, type FeatureMethod, type FittedMethod } from './lib/featureMake.js';
import { SELECTORS, selectFeatures, type SelectOptions } from './lib/featureSelect.js';
import type { Args } from './lib/protocol.js';
import { TRANSFORM_FORMAT, readTransform, saveTransform, type FeatureTransform } from './lib/transformFile.js';
import { writeCsv, type Table } from './lib/table.js';
import { artifactFile } from './lib/artifacts.js';

/** `none` builds nothing, for selection alone. */
const CHOICES = [...FEATURE_METHODS, 'none'] as const;

function methodNames(args: Args): FeatureMethod[] {
  const given = args.methods !== undefined && args.methods !== null && args.methods !== '' ? list(args, 'methods', []) : [str(args, 'method', 'interactions')];
  const names = [...new Set(given.map((m) => m.trim().toLowerCase().replace(/[\s_]+/g, '-')))];
  const unknown = names.filter((m) => !(CHOICES as readonly string[]).includes(m));
  if (unknown.length) throw new BadInputError(`unknown feature method ${unknown.join(', ')}; available: ${CHOICES.join(', ')}`);
  return names.filter((m): m is FeatureMethod => m !== 'none');
}

function selectOptions(args: Args): SelectOptions {
  const select = str(args, 'select');
  return {
    select: select === undefined || select === 'none' ? undefined : oneOf(args, 'select', SELECTORS, 'variance'),
    minVariance: num(args, 'min_variance', 0, { min: 0 }),
    maxCorrelation: num(args, 'max_correlation', 0.95, { min: 0, max: 1 }),
    maxFeatures: int(args, 'max_features', undefined, { min: 1 }),
  };
}

function dropColumns(table: Table, names: readonly string[]): Table {
  const drop = new Set(names);
  const keep = table.columns.map((c, i) => (drop.has(c) ? -1 : i)).filter((i) => i >= 0);
  return { columns: keep.map((i) => table.columns[i] ?? ''), rows: table.rows.map((r) => keep.map((i) => r[i] ?? null)) };
}

/**
 * Builds new columns from the features (interactions, polynomial powers, quantile bins, date
 * parts), then optionally drops weak or redundant ones; the target (`target`, or the last column)
 * goes last and is never transformed or dropped. What it decided is saved as a transform, and
 * `apply` replays one on other data (a test split) so both get the same columns.
 */
export const features: Agent = {
  name: 'features',
  summary: 'interactions, polynomial, quantile bins, date parts; variance or correlation selection; a reusable transform',
  run(args, ctx) {
    const loaded = loadDataset(args, ctx);
    const source = loaded.table;
    const warn = (t: string): void => ctx.warn(t);
    const applyPath = str(args, 'apply');
    let transform: FeatureTransform;
    let transformPath: string;
    let built: ReturnType<typeof buildFeatures>;
    if (applyPath !== undefined) {
      transformPath = absolute(applyPath, ctx.planDir);
      transform = readTransform(transformPath, 'apply', 'features');
      built = buildFeatures(source, transform.target, transform.methods, warn);
      console.log(`applying the features fitted on ${transform.fittedOn}: ${transform.methods.map((m) => m.method).join(', ') || 'none'}, ${transform.removed.length} removed`);
    } else {
      const target = str(args, 'target') ?? source.columns.at(-1) ?? '';
      if (!source.columns.includes(target)) throw new BadInputError(`target column "${target}" not found; columns: ${source.columns.join(', ')}`);
      const methods = methodNames(args);
      const selection = selectOptions(args);
      if (methods.length === 0 && !selection.select && selection.maxFeatures === undefined) throw new BadInputError('method none builds nothing; give select or max_features too, or a method');
      const options = { degree: int(args, 'degree', 2, { min: 2, max: 5 }), bins: int(args, 'bins', 4, { min: 2, max: 100 }) };
      const fitted: FittedMethod[] = methods.map((m, n) => {
        ctx.progress(n + 1, methods.length + 1, m);
        return fitMethod(m, source, target, options);
      });
      built = buildFeatures(source, target, fitted, warn);
      ctx.progress(methods.length + 1, methods.length + 1, selection.select ? `select by ${selection.select}` : 'select');
      const removals = selectFeatures(built.table, target, selection);
      for (const r of removals.slice(0, 20)) console.log(`removed ${r.column}: ${r.reason}`);
      if (removals.length > 20) console.log(`... and ${removals.length - 20} more removed (the removed output lists them all)`);
      transformPath = artifactFile(ctx, `${loaded.sample ?? basename(loaded.path, extname(loaded.path))}.features.transform.json`);
      transform = { format: TRANSFORM_FORMAT, kind: 'features', target, columns: [], fittedOn: loaded.sample ?? loaded.path, rows: source.rows.length, createdAt: new Date().toISOString(), methods: fitted, removed: removals.map((r) => r.column) };
    }
    const table = dropColumns(built.table, transform.removed);
    if (applyPath === undefined) {
      transform.columns = table.columns;
      saveTransform(transformPath, transform);
    }
    const removed = new Set(transform.removed);
    const added = built.added.filter((c) => !removed.has(c));
    const path = artifactFile(ctx, `${loaded.sample ?? basename(loaded.path, extname(loaded.path))}.features.csv`);
    writeCsv(path, table);
    const shown = added.length > 12 ? `${added.slice(0, 12).join(', ')}, ...` : added.join(', ');
    console.log(`added ${added.length} columns${added.length ? `: ${shown}` : ''}; removed ${transform.removed.length}; ${table.columns.length} columns in ${path}`);
    return {
      path,
      columns: table.columns.length,
      added: added.length,
      rows: table.rows.length,
      removed: transform.removed,
      feature_names: table.columns.filter((c) => c !== transform.target),
      transform: transformPath,
    };
  },
};
