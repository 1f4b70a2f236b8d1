import { mkdirSync, writeFileSync } from 'node:fs';
import { parseDuration } from '../core/duration.js';
import type { Agent } from './agent.js';
import { evaluate } from './evaluate.js';
import { bool, int, list, num, str } from './lib/args.js';
import { loadTable } from './lib/dataset.js';
import { tableDrift } from './lib/drift.js';
import { BadInputError } from './lib/errors.js';
import { holm } from './lib/hypothesis.js';
import { driftTable, judgeFeature, type Alert, type JudgedFeature } from './lib/monitorReport.js';
import type { StepContext } from './lib/protocol.js';
import { precise, round } from './lib/stats.js';
import { writeCsv, type Table } from './lib/table.js';
import { LOWER_IS_BETTER, watchedModel, type WatchedModel } from './lib/watchedModel.js';
import { artifactFile } from './lib/artifacts.js';

/** The command file's default timeout: a schedule longer than this is stopped by the engine. */
const DEFAULT_TIMEOUT_MS = 15 * 60_000;

interface Options {
  psiThreshold: number;
  alpha: number;
  bins: number;
  ignore: string[];
  metric: string;
  maxDrop: number;
}

interface Performance {
  metric: string;
  current: number;
  baseline: number | null;
  degraded: boolean;
}

interface Check {
  check: number;
  rows: number;
  drift: number;
  worst: string | null;
  features: JudgedFeature[];
  missing: string[];
  drifted: string[];
  performance: Performance | null;
  alerts: Alert[];
}

/**
 * Data drift of a current batch against the training reference (PSI per feature, KS for numeric
 * ones) and, given a model or a deployed one, performance degradation on a labelled batch.
 * `every` with `checks` repeats the check inside the step; `stream` feeds each check the next window.
 */
export const monitor: Agent = {
  name: 'monitor',
  summary: 'detect data drift and performance drops of a batch against the training data',
  async run(args, ctx) {
    const env = str(args, 'env', 'staging');
    const psiThreshold = num(args, 'psi_threshold', undefined, { min: 0 }) ?? num(args, 'threshold', 0.2, { min: 0 });
    const options: Options = {
      psiThreshold,
      alpha: num(args, 'alpha', 0.05, { min: 0, max: 1 }),
      bins: int(args, 'bins', 10, { min: 2, max: 100 }),
      ignore: list(args, 'ignore', []),
      metric: str(args, 'metric', 'accuracy').toLowerCase(),
      maxDrop: num(args, 'max_drop', 0.05, { min: 0 }),
    };
    const checks = int(args, 'checks', 1, { min: 1, max: 10_000 });
    const stream = bool(args, 'stream', false);
    const everyText = str(args, 'every');
    let everyMs = 0;
    try {
      everyMs = everyText === undefined ? 0 : parseDuration(everyText, 'every');
    } catch {
      throw new BadInputError(`argument every is "${everyText}"; write a duration such as 30s, 5m or 1h`);
    }
    if (everyText !== undefined && checks === 1) ctx.warn(`every ${everyText} with checks 1 runs one check; set checks to repeat it, or schedule the plan`);
    if ((checks - 1) * everyMs > DEFAULT_TIMEOUT_MS) ctx.warn(`${checks} checks every ${everyText} outlast monitor's default 15m timeout; set the step's timeout`);

    const model = watchedModel(str(args, 'model'), env, ctx.projectDir, ctx.planDir);
    const referenceArg = str(args, 'reference') ?? model?.dataset;
    if (referenceArg === undefined) throw new BadInputError('monitor needs reference: the training data (a csv, json or jsonl path, or a sample name)');
    const currentArg = str(args, 'current') ?? str(args, 'dataset');
    if (currentArg === undefined) throw new BadInputError('monitor needs current: the new batch of data (a csv, json or jsonl path, or a sample name)');
    const reference = loadTable(referenceArg, ctx, 'reference');
    if (reference.table.rows.length === 0) throw new BadInputError(`reference ${referenceArg} has no rows`);
    const first = loadTable(currentArg, ctx, 'current');
    if (stream && first.table.rows.length < checks) throw new BadInputError(`current has ${first.table.rows.length} rows, fewer than checks (${checks}); stream splits it into one window per check`);
    console.log(`reference ${reference.path} (${reference.table.rows.length} rows); current ${first.path} (${first.table.rows.length} rows)${model ? `; model ${model.label}` : ''}`);

    const results: Check[] = [];
    for (let k = 1; k <= checks; k++) {
      if (k > 1 && everyMs > 0) await new Promise((resolve) => setTimeout(resolve, everyMs));
      let batch = first.table;
      let batchPath = first.path;
      let span = '';
      if (stream) {
        const n = first.table.rows.length;
        const [from, to] = [Math.floor(((k - 1) * n) / checks), Math.floor((k * n) / checks)];
        batch = { columns: first.table.columns, rows: first.table.rows.slice(from, to) };
        span = `, rows ${from + 1}-${to} of ${n}`;
        if (model) batchPath = writeWindow(ctx, k, batch);
        // Without stream each check rereads the batch: a file that another job appends to or replaces.
      } else if (k > 1) ({ table: batch, path: batchPath } = loadTable(currentArg, ctx, 'current'));
      const result = await runCheck(k, reference.table, batch, batchPath, model, options, ctx);
      results.push(result);
      if (checks > 1) console.log(`check ${k}/${checks}${span}`);
      printCheck(result, ctx);
      const worst = result.worst ? `max PSI ${round(result.drift, 3)} (${result.worst})` : 'no shared features';
      ctx.progress(k, checks, `check ${k}/${checks}: ${worst}, ${result.drifted.length ? `drift in ${result.drifted.join(', ')}` : 'no drift'}`);
    }
    return summarise(results, { reference: reference.path, current: first.path, env, model, options, stream, every: everyText ?? null }, ctx);
  },
};

async function runCheck(k: number, reference: Table, batch: Table, batchPath: string, model: WatchedModel | undefined, o: Options, ctx: StepContext): Promise<Check> {
  const { features: raw, missing } = tableDrift(reference, batch, { bins: o.bins, ignore: o.ignore });
  if (raw.length === 0) throw new BadInputError(`reference and current share no columns with values to compare (reference: ${reference.columns.join(', ')}; current: ${batch.columns.join(', ')})`);
  const numeric = raw.filter((f) => f.ks !== null);
  const adjusted = holm(numeric.map((f) => f.ks?.p ?? 1));
  const features = raw.map((f) => judgeFeature(f, o.psiThreshold, o.alpha, f.ks ? (adjusted[numeric.indexOf(f)] ?? 1) : null, numeric.length > 1));
  const worst = features.reduce((a, b) => (b.psi > a.psi ? b : a));
  const alerts: Alert[] = features.flatMap((f) => (f.alert ? [f.alert] : []));
  for (const m of missing) alerts.push({ severity: 'warning', message: `${m} is missing from the current batch` });
  const drifted = features.filter((f) => f.status === 'drift').map((f) => f.feature);
  if (drifted.length === 0) alerts.push({ severity: 'info', message: `no drift in ${features.length} features (max PSI ${round(worst.psi, 3)} in ${worst.feature})` });
  let performance: Performance | null = null;
  if (model) {
    const measured = await measure(k, model, batch, batchPath, o, ctx);
    if ('alert' in measured) alerts.push(measured.alert);
    else {
      performance = measured.performance;
      alerts.push(measured.note);
    }
  }
  return { check: k, rows: batch.rows.length, drift: worst.psi, worst: worst.feature, features, missing, drifted, performance, alerts };
}

/** The model's score on the batch, by the evaluate program itself, against the recorded score. */
async function measure(k: number, model: WatchedModel, batch: Table, batchPath: string, o: Options, ctx: StepContext): Promise<{ alert: Alert } | { performance: Performance; note: Alert }> {
  if (model.target !== undefined && !batch.columns.includes(model.target)) {
    return { alert: { severity: 'info', message: `performance not checked: the current batch has no ${model.target} column (labels)` } };
  }
  const sub: StepContext = {
    ...ctx,
    artifactsDir: () => {
      const dir = artifactFile(ctx, `evaluate-${k}`);
      mkdirSync(dir, { recursive: true });
      return dir;
    },
    progress: () => undefined,
    warn: (text) => ctx.warn(`evaluate: ${text}`),
  };
  let outputs: Record<string, unknown>;
  try {
    outputs = await evaluate.run({ model: model.path, dataset: batchPath, metrics: [o.metric] }, sub);
  } catch (e) {
    return { alert: { severity: 'warning', message: `performance not checked: ${e instanceof Error ? e.message : String(e)}` } };
  }
  const current = outputs[o.metric];
  if (typeof current !== 'number') return { alert: { severity: 'warning', message: `performance not checked: evaluate gives no ${o.metric} for ${model.label}` } };
  const baseline = model.recorded[o.metric] ?? null;
  if (baseline === null) {
    const performance = { metric: o.metric, current, baseline, degraded: false };
    return { performance, note: { severity: 'info', message: `${o.metric} ${round(current)} on this batch; ${model.label} has no recorded ${o.metric} to compare with` } };
  }
  const lower = LOWER_IS_BETTER.includes(o.metric);
  // Accuracy-like scores may fall by max_drop (absolute); error metrics may rise by max_drop of the baseline.
  const degraded = lower ? current - baseline > o.maxDrop * Math.abs(baseline) : baseline - current > o.maxDrop;
  const change = lower ? `rose from ${round(baseline)} to ${round(current)}` : `fell from ${round(baseline)} to ${round(current)}`;
  const limit = lower ? `more than max_drop ${o.maxDrop} (${round(o.maxDrop * 100, 1)}%) of the recorded value` : `a drop of ${round(baseline - current)} > max_drop ${o.maxDrop}`;
  const note: Alert = degraded
    ? { severity: 'critical', message: `${o.metric} ${change} (recorded for ${model.label}): ${limit}` }
    : { severity: 'info', message: `${o.metric} ${round(current)} on this batch (recorded ${round(baseline)} for ${model.label}; within max_drop ${o.maxDrop})` };
  return { performance: { metric: o.metric, current, baseline, degraded }, note };
}

function writeWindow(ctx: StepContext, k: number, batch: Table): string {
  const path = artifactFile(ctx, `window-${k}.csv`);
  writeCsv(path, batch);
  return path;
}

function printCheck(r: Check, ctx: StepContext): void {
  for (const line of driftTable(r.features)) console.log(line);
  for (const a of r.alerts) {
    if (a.severity === 'info') console.log(`info: ${a.message}`);
    else ctx.warn(`${a.severity}: ${a.message}`);
  }
}

interface Context {
  reference: string;
  current: string;
  env: string;
  model: WatchedModel | undefined;
  options: Options;
  stream: boolean;
  every: string | null;
}

function summarise(results: readonly Check[], c: Context, ctx: StepContext): Record<string, unknown> {
  const many = results.length > 1;
  const worst = results.reduce((a, b) => (b.drift > a.drift ? b : a));
  const drifted = [...new Set(results.flatMap((r) => r.drifted))];
  const firstDrift = results.find((r) => r.drifted.length > 0)?.check ?? null;
  const measured = results.flatMap((r) => (r.performance ? [r.performance] : []));
  const lower = LOWER_IS_BETTER.includes(c.options.metric);
  const worstScore = measured.length ? measured.reduce((a, b) => ((lower ? b.current > a.current : b.current < a.current) ? b : a)) : null;
  const alerts = results.flatMap((r) => r.alerts.map((a) => (many ? { ...a, message: `check ${r.check}/${results.length}: ${a.message}` } : a)));
  if (many) {
    const message = drifted.length ? `drift in ${drifted.join(', ')}, first at check ${firstDrift} of ${results.length}` : `no drift over ${results.length} checks (max PSI ${round(worst.drift, 3)})`;
    alerts.push({ severity: drifted.length ? 'critical' : 'info', message });
  }
  const report = artifactFile(ctx, 'drift-report.json');
  const outputs = {
    drift: round(worst.drift),
    drift_detected: drifted.length > 0,
    drifted_features: drifted,
    degraded: measured.some((p) => p.degraded),
    alerts,
    report,
    column: worst.worst,
    columns: worst.features.length,
    env: c.env,
    metric: c.options.metric,
    threshold: c.options.psiThreshold,
    checks: results.length,
    first_drift_check: firstDrift,
    current_score: worstScore ? round(worstScore.current) : null,
    baseline_score: worstScore?.baseline ?? null,
  };
  const detail = results.map((r) => ({
    check: r.check,
    rows: r.rows,
    drift: round(r.drift, 6),
    drifted_features: r.drifted,
    missing_features: r.missing,
    features: r.features.map((f) => ({ feature: f.feature, kind: f.kind, psi: round(f.psi, 6), ks_statistic: f.ks ? round(f.ks.statistic, 6) : null, ks_p: f.ks ? precise(f.ks.p) : null, ks_p_adjusted: f.ksAdjusted === null ? null : precise(f.ksAdjusted), reference: f.reference, current: f.current, status: f.status })),
    performance: r.performance,
    alerts: r.alerts,
  }));
  const settings = { reference: c.reference, current: c.current, model: c.model?.label ?? null, psi_threshold: c.options.psiThreshold, alpha: c.options.alpha, bins: c.options.bins, max_drop: c.options.maxDrop, stream: c.stream, every: c.every };
  writeFileSync(report, `${JSON.stringify({ ...settings, summary: outputs, checks: detail }, null, 2)}\n`);
  const verdict = outputs.drift_detected ? `drift detected in ${drifted.join(', ')}` : 'no drift';
  console.log(`${verdict}; max PSI ${outputs.drift} (${worst.worst})${outputs.degraded ? `; ${c.options.metric} degraded` : ''}; report ${report}`);
  return outputs;
}
