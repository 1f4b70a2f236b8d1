import { basename, extname } from 'node:path';
import type { Agent } from './agent.js';
import { absolute, list, num, int, oneOf, str } from './lib/args.js';
import { loadDataset } from './lib/dataset.js';
import { MAX_LEVELS } from './lib/encoding.js';
import { BadInputError } from './lib/errors.js';
import { PREP_STEPS, applyStep, encodedNames, fitStep, type FitOptions, type FittedStep, type PrepStep } from './lib/prepSteps.js';
import type { Args, StepContext } from './lib/protocol.js';
import { TRANSFORM_FORMAT, readTransform, saveTransform, type PrepTransform } from './lib/transformFile.js';
import { writeCsv, type Table } from './lib/table.js';
import { artifactFile } from './lib/artifacts.js';

/** Other names people give the steps. */
const STEP_ALIASES: Record<string, PrepStep> = { 'one-hot': 'encode', onehot: 'encode', clip: 'clip-outliers', outliers: 'clip-outliers', dedupe: 'deduplicate', dropna: 'drop-missing' };

function stepNames(args: Args): PrepStep[] {
  const names = list(args, 'steps', ['impute', 'scale']).map((s) => s.trim().toLowerCase().replace(/[\s_]+/g, '-'));
  const steps = names.map((s) => STEP_ALIASES[s] ?? s);
  const unknown = steps.filter((s) => !(PREP_STEPS as readonly string[]).includes(s));
  if (unknown.length) throw new BadInputError(`unknown preprocessing step ${unknown.join(', ')}; available: ${PREP_STEPS.join(', ')}`);
  if (steps.length === 0) throw new BadInputError(`argument steps is empty; list steps from ${PREP_STEPS.join(', ')}`);
  return steps as PrepStep[];
}

function fitOptions(args: Args, table: Table): FitOptions {
  const target = str(args, 'target') ?? table.columns.at(-1) ?? '';
  if (!table.columns.includes(target)) throw new BadInputError(`target column "${target}" not found; columns: ${table.columns.join(', ')}`);
  return {
    target,
    impute: oneOf(args, 'impute', ['mean', 'median'], 'mean'),
    scaler: oneOf(args, 'scaler', ['standard', 'minmax'], 'standard'),
    maxLevels: int(args, 'max_levels', MAX_LEVELS, { min: 1 }),
    iqrFactor: num(args, 'iqr_factor', 1.5, { min: 0 }),
  };
}

/** Fits each step on the output of the one before, as it will be applied. */
function fitAll(table: Table, steps: readonly PrepStep[], options: FitOptions, ctx: StepContext): { table: Table; fitted: FittedStep[] } {
  const encoded = new Set<string>();
  const fitted: FittedStep[] = [];
  const warn = (t: string): void => ctx.warn(t);
  steps.forEach((name, n) => {
    ctx.progress(n + 1, steps.length, name);
    const step = fitStep(name, table, options, encoded, warn);
    table = applyStep(table, step, warn);
    for (const c of encodedNames(step)) encoded.add(c);
    fitted.push(step);
  });
  return { table, fitted };
}

function describe(step: FittedStep): string {
  switch (step.step) {
    case 'impute':
      return `impute (${step.strategy}) ${Object.keys(step.fill).length} columns`;
    case 'encode': {
      const oneHot = step.columns.filter((c) => c.kind === 'one-hot').map((c) => c.column);
      const ordinal = step.columns.filter((c) => c.kind === 'ordinal').map((c) => c.column);
      return `encode one-hot [${oneHot.join(', ')}] ordinal [${ordinal.join(', ')}]`;
    }
    case 'scale':
      return `scale (${step.scaler}) ${Object.keys(step.columns).length} columns`;
    case 'clip-outliers':
      return `clip-outliers (${step.factor} x IQR) ${Object.keys(step.columns).length} columns`;
    default:
      return step.step;
  }
}

/**
 * Applies the listed steps in order, fitting their statistics on this data and saving them as a
 * transform, or with `apply` replays a saved transform on other data (a test split) unchanged.
 * The target (`target`, or the last column) is never imputed, encoded, scaled or clipped.
 */
export const preprocess: Agent = {
  name: 'preprocess',
  summary: 'impute, drop missing, encode, scale, clip outliers; fitted statistics saved as a reusable transform',
  run(args, ctx) {
    const loaded = loadDataset(args, ctx);
    const name = loaded.sample ?? basename(loaded.path, extname(loaded.path));
    const applyPath = str(args, 'apply');
    const warn = (t: string): void => ctx.warn(t);
    let table: Table;
    let transformPath: string;
    let transform: PrepTransform;
    if (applyPath !== undefined) {
      transformPath = absolute(applyPath, ctx.planDir);
      transform = readTransform(transformPath, 'apply', 'preprocess');
      table = loaded.table;
      transform.steps.forEach((step, n) => {
        ctx.progress(n + 1, transform.steps.length, step.step);
        table = applyStep(table, step, warn);
      });
      console.log(`applied the transform fitted on ${transform.fittedOn} (${transform.rows} rows): ${transform.steps.map(describe).join('; ')}`);
    } else {
      const options = fitOptions(args, loaded.table);
      const fitted = fitAll(loaded.table, stepNames(args), options, ctx);
      table = fitted.table;
      transformPath = artifactFile(ctx, `${name}.transform.json`);
      transform = { format: TRANSFORM_FORMAT, kind: 'preprocess', target: options.target, columns: table.columns, fittedOn: loaded.sample ?? loaded.path, rows: loaded.table.rows.length, createdAt: new Date().toISOString(), steps: fitted.fitted };
      saveTransform(transformPath, transform);
      console.log(`fitted on ${loaded.table.rows.length} rows: ${fitted.fitted.map(describe).join('; ')}`);
    }
    const t = table.columns.indexOf(transform.target);
    const missing = table.rows.reduce((n, r) => n + r.filter((v, i) => v === null && i !== t).length, 0);
    if (missing > 0) warn(`${missing} feature values are still missing; add impute or drop-missing to steps`);
    const path = artifactFile(ctx, `${name}.preprocessed.csv`);
    writeCsv(path, table);
    console.log(`wrote ${table.rows.length} rows x ${table.columns.length} columns to ${path}`);
    return { path, rows: table.rows.length, columns: table.columns.length, steps: transform.steps.map((s) => s.step), transform: transformPath };
  },
};
