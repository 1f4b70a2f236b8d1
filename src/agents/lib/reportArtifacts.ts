import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseCsv } from './table.js';

/**
 * The JSON and CSV artifacts a report draws: a tuning history (tune's `history` CSV or its
 * `results` JSON) and a drift report (monitor's per-feature report). Both are read leniently, by
 * shape rather than by one writer's exact format, since the writers change more often than this.
 */

export interface TrialHistory {
  source: string;
  metric: string;
  /** Lower is better (loss, error): best-so-far is then the running minimum. */
  minimize: boolean;
  trials: { trial: number; score: number }[];
}

export interface DriftReport {
  source: string;
  metric: string;
  threshold: number | undefined;
  features: { feature: string; value: number }[];
}

const LOWER_IS_BETTER = /loss|error|rmse|mae|mse/i;
type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const numberOf = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The first array among the keys given, or the value itself when it is one. */
function listIn(data: unknown, keys: readonly string[]): unknown[] | undefined {
  if (Array.isArray(data)) return data as unknown[];
  if (!isObj(data)) return undefined;
  for (const k of keys) if (Array.isArray(data[k])) return data[k] as unknown[];
  return undefined;
}

export function readTrialHistory(path: string): TrialHistory | undefined {
  if (!isFile(path)) return undefined;
  const source = basename(path);
  if (extname(path).toLowerCase() === '.csv') {
    let table;
    try {
      table = parseCsv(readFileSync(path, 'utf8'), path);
    } catch {
      return undefined;
    }
    const t = table.columns.indexOf('trial');
    const scoreAt = table.columns.includes('score') ? table.columns.indexOf('score') : table.columns.length - 1;
    const metric = table.columns[scoreAt] ?? 'score';
    const trials = table.rows.flatMap((r, i) => {
      const score = numberOf(r[scoreAt]);
      return score === undefined ? [] : [{ trial: numberOf(t >= 0 ? r[t] : undefined) ?? i + 1, score }];
    });
    return trials.length && scoreAt !== t ? { source, metric, minimize: LOWER_IS_BETTER.test(metric), trials } : undefined;
  }
  const data = readJson(path);
  const items = listIn(data, ['trials', 'history', 'results']);
  if (!items) return undefined;
  const metric = isObj(data) && typeof data.metric === 'string' ? data.metric : 'score';
  const trials = items.flatMap((item, i) => {
    if (!isObj(item)) return numberOf(item) === undefined ? [] : [{ trial: i + 1, score: numberOf(item) as number }];
    const score = numberOf(item.score) ?? numberOf(item.value) ?? numberOf(item[metric]) ?? numberOf(item.best_score);
    return score === undefined ? [] : [{ trial: numberOf(item.trial) ?? numberOf(item.index) ?? i + 1, score }];
  });
  const goalValue = isObj(data) ? (data.direction ?? data.goal) : undefined;
  const goal = typeof goalValue === 'string' ? goalValue : '';
  return trials.length ? { source, metric, minimize: /min/i.test(goal) || LOWER_IS_BETTER.test(metric), trials } : undefined;
}

/** The running best over trials in trial order. */
export function bestSoFar(h: TrialHistory): { trial: number; score: number }[] {
  let best: number | undefined;
  return [...h.trials]
    .sort((a, b) => a.trial - b.trial)
    .map((t) => {
      best = best === undefined ? t.score : h.minimize ? Math.min(best, t.score) : Math.max(best, t.score);
      return { trial: t.trial, score: best };
    });
}

const DRIFT_KEYS = ['psi', 'drift', 'shift', 'score', 'value'];

function driftFeatures(items: readonly unknown[]): { features: DriftReport['features']; metric: string } {
  let metric = 'drift';
  const features = items.flatMap((item) => {
    if (!isObj(item)) return [];
    const name = item.feature ?? item.column ?? item.name;
    const key = DRIFT_KEYS.find((k) => numberOf(item[k]) !== undefined);
    const ks = isObj(item.ks) ? numberOf(item.ks.statistic) : numberOf(item.ks_statistic);
    if (typeof name !== 'string' || (key === undefined && ks === undefined)) return [];
    metric = key ?? 'ks';
    return [{ feature: name, value: key === undefined ? (ks as number) : (numberOf(item[key]) as number) }];
  });
  return { features, metric };
}

/**
 * Per-feature drift: a list of `{feature, psi}` (or drift, shift, ks), possibly under `features`,
 * or monitor's report with one such list per check, where a feature shows its worst check.
 */
export function readDriftReport(path: string): DriftReport | undefined {
  if (!isFile(path) || extname(path).toLowerCase() !== '.json') return undefined;
  const data = readJson(path);
  const checks = isObj(data) && Array.isArray(data.checks) ? data.checks.filter(isObj).filter((c) => Array.isArray(c.features)) : [];
  const lists = checks.length ? checks.map((c) => c.features as unknown[]) : [listIn(data, ['features', 'columns', 'drift', 'shifts']) ?? []];
  const worst = new Map<string, number>();
  let metric = 'drift';
  for (const list of lists) {
    const parsed = driftFeatures(list);
    metric = parsed.features.length ? parsed.metric : metric;
    for (const f of parsed.features) worst.set(f.feature, Math.max(worst.get(f.feature) ?? -Infinity, f.value));
  }
  if (worst.size === 0 && isObj(data) && isObj(data.features)) {
    for (const [feature, v] of Object.entries(data.features)) if (numberOf(v) !== undefined) worst.set(feature, numberOf(v) as number);
  }
  if (worst.size === 0) return undefined;
  const summary = isObj(data) && isObj(data.summary) ? data.summary : {};
  const threshold = isObj(data) ? (numberOf(data.threshold) ?? numberOf(data.psi_threshold) ?? numberOf(summary.threshold)) : undefined;
  const label = checks.length > 1 ? `${metric} (worst of ${checks.length} checks)` : metric;
  return { source: basename(path), metric: label, threshold, features: [...worst.entries()].map(([feature, value]) => ({ feature, value })) };
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

export interface Confusion {
  source: string;
  labels: string[];
  /** counts[actual][predicted], in `labels` order. */
  counts: number[][];
}

/** A confusion matrix from a predictions CSV with `actual` and `predicted` columns. */
export function readConfusion(path: string): Confusion | undefined {
  if (!isFile(path)) return undefined;
  let table;
  try {
    table = parseCsv(readFileSync(path, 'utf8'), path);
  } catch {
    return undefined;
  }
  const a = table.columns.indexOf('actual');
  const p = table.columns.indexOf('predicted');
  if (a < 0 || p < 0 || table.rows.length === 0) return undefined;
  const pairs = table.rows.map((r) => [String(r[a] ?? ''), String(r[p] ?? '')] as const);
  const labels = [...new Set(pairs.flat())].sort();
  // A regression's predictions are numbers, not classes: no matrix for those.
  if (labels.length > 30) return undefined;
  const counts = labels.map(() => labels.map(() => 0));
  for (const [x, y] of pairs) {
    const row = counts[labels.indexOf(x)];
    if (row) row[labels.indexOf(y)] = (row[labels.indexOf(y)] ?? 0) + 1;
  }
  return { source: basename(path), labels, counts };
}
