import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** One step of the run as a report shows it. */
export interface StepInfo {
  id: string;
  status: string;
  attempts: number;
  exitCode: number | null;
  startedAt: number | null;
  durationMs: number | null;
  outputs: Record<string, unknown>;
}

export function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]));
}

export function parseOutputs(text: string): Record<string, unknown> {
  const t = text.trim();
  if (t.startsWith('{')) {
    try {
      return JSON.parse(t) as Record<string, unknown>;
    } catch {
      return { unreadable: t.slice(0, 80) };
    }
  }
  const out: Record<string, unknown> = {};
  for (const line of t.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return out;
}

const ATTEMPT_FILE = /^(.+)\.(\d+)\.(log|outputs|pid|exit)$/;
const read = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8') : '');
const mtime = (file: string): number | null => (existsSync(file) ? statSync(file).mtimeMs : null);

/**
 * Steps from the run workspace's `attempts/` folder (`<step>.<n>.outputs`, `.pid`, `.exit`, `.log`):
 * the latest attempt of each, its exit code as status, and its time from the pid file (written at
 * launch) to the exit file (written when the process ended). Undo attempts are not steps.
 */
export function workspaceSteps(workspace: string, self: string): StepInfo[] {
  const dir = join(workspace, 'attempts');
  if (!existsSync(dir)) return [];
  const latest = new Map<string, number>();
  for (const name of readdirSync(dir)) {
    const m = ATTEMPT_FILE.exec(name);
    if (!m || m[1] === self) continue;
    const id = m[1] ?? '';
    latest.set(id, Math.max(latest.get(id) ?? 0, Number(m[2])));
  }
  const steps = [...latest.entries()].map(([id, attempt]): StepInfo => {
    const file = (kind: string): string => join(dir, `${id}.${attempt}.${kind}`);
    const exitText = read(file('exit')).trim();
    const exitCode = exitText === '' ? null : Number(exitText);
    const started = mtime(file('pid')) ?? mtime(file('log'));
    const ended = mtime(file('exit'));
    const status = exitCode === null ? (existsSync(file('pid')) ? 'running' : 'unknown') : exitCode === 0 ? 'succeeded' : 'failed';
    return {
      id,
      status,
      attempts: attempt,
      exitCode: exitCode !== null && Number.isFinite(exitCode) ? exitCode : null,
      startedAt: started,
      durationMs: started !== null && ended !== null ? Math.max(0, ended - started) : null,
      outputs: existsSync(file('outputs')) ? parseOutputs(read(file('outputs'))) : {},
    };
  });
  return steps.sort((a, b) => (a.startedAt ?? Infinity) - (b.startedAt ?? Infinity) || a.id.localeCompare(b.id));
}

/** `steps: ${{ steps }}` from a plan: `{ id: { status, outputs } }`, as the engine's expressions see them. */
export function givenSteps(value: Record<string, unknown> | undefined): StepInfo[] {
  if (!value) return [];
  return Object.entries(value).map(([id, v]) => {
    const s = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
    const outputs = typeof s.outputs === 'object' && s.outputs !== null && !Array.isArray(s.outputs) ? (s.outputs as Record<string, unknown>) : {};
    return { id, status: typeof s.status === 'string' ? s.status : 'unknown', attempts: typeof s.attempts === 'number' ? s.attempts : 1, exitCode: null, startedAt: null, durationMs: typeof s.duration_ms === 'number' ? s.duration_ms : null, outputs };
  });
}

/** Output names that are scores, shown in the metrics table; counts and settings are not. */
const METRIC = /^(accuracy|f1|precision|recall|auc|roc_auc|rmse|mae|mse|r2|log_loss|loss|best_score|score|drift|psi)$|_(accuracy|f1|score|auc)$/;

/** Sizes and settings among a step's outputs, left out when a whole outputs object is given as metrics. */
const COUNT = /^(rows|folds|classes|features|trials|checks|columns|version|percent|seed|steps|artifacts|charts)$/;

export interface MetricsTable {
  columns: string[];
  rows: { name: string; values: Record<string, number> }[];
}

const asNumber = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

/** Scores from the `metrics` argument (flat, or one object per model) and from every step's outputs. */
export function metricsTable(given: Record<string, unknown> | undefined, steps: readonly StepInfo[]): MetricsTable {
  const rows: MetricsTable['rows'] = [];
  if (given) {
    const flat: Record<string, number> = {};
    for (const [k, v] of Object.entries(given)) {
      const n = asNumber(v);
      if (n !== undefined) {
        if (!COUNT.test(k)) flat[k] = n;
      } else if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
        const values = Object.fromEntries(Object.entries(v).flatMap(([mk, mv]) => (asNumber(mv) === undefined || COUNT.test(mk) ? [] : [[mk, asNumber(mv) as number]])));
        if (Object.keys(values).length) rows.push({ name: k, values });
      }
    }
    if (Object.keys(flat).length) rows.unshift({ name: 'metrics', values: flat });
  }
  for (const s of steps) {
    const values = Object.fromEntries(Object.entries(s.outputs).flatMap(([k, v]) => (METRIC.test(k) && asNumber(v) !== undefined ? [[k, asNumber(v) as number]] : [])));
    if (Object.keys(values).length) rows.push({ name: s.id, values });
  }
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r.values)))];
  return { columns, rows };
}

const CHARTED = /^(history|results|trials|report|drift|drift_report)$/;

/** Files named by outputs such as tune's `history` and monitor's `report`: candidates for charts. */
export function artifactPaths(steps: readonly StepInfo[]): string[] {
  return steps.flatMap((s) => {
    // tune writes one history twice (`history` CSV and `results` JSON): chart it once.
    const keys = Object.keys(s.outputs).filter((k) => CHARTED.test(k) && !(k !== 'history' && 'history' in s.outputs && /^(results|trials)$/.test(k)));
    return keys.map((k) => s.outputs[k]).filter((v): v is string => typeof v === 'string' && /\.(json|csv)$/i.test(v) && existsSync(v) && statSync(v).isFile());
  });
}

/** Files named by a `predictions` output (evaluate's CSV of actual and predicted labels). */
export function predictionPaths(steps: readonly StepInfo[]): { step: string; path: string }[] {
  return steps.flatMap((s) => {
    const v = s.outputs.predictions;
    return typeof v === 'string' && existsSync(v) && statSync(v).isFile() ? [{ step: s.id, path: v }] : [];
  });
}
