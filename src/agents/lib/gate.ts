import { BadInputError } from './errors.js';
import { mulberry32, shuffled } from './random.js';
import type { Task } from './modelKinds.js';
import { scoreOn, type Predictor, type ShadowData } from './shadow.js';
import { round } from './stats.js';

export const GATE_METRICS = ['accuracy', 'f1', 'precision', 'recall', 'r2', 'rmse', 'mae'] as const;
export type GateMetric = (typeof GATE_METRICS)[number];
const REGRESSION: readonly GateMetric[] = ['r2', 'rmse', 'mae'];
const LOWER_IS_BETTER: readonly GateMetric[] = ['rmse', 'mae'];

export interface GateConfig {
  metric: GateMetric;
  maxDrop: number;
  minAccuracy: number | undefined;
}

/** The gate's metric: the one asked for if it fits the model's task, else accuracy or r2. */
export function gateConfig(asked: GateMetric | undefined, task: Task | undefined, maxDrop: number, minAccuracy: number | undefined): GateConfig {
  const regression = task === 'regression';
  if (asked !== undefined && task !== undefined && REGRESSION.includes(asked) !== regression) {
    const fits = GATE_METRICS.filter((m) => REGRESSION.includes(m) === regression);
    throw new BadInputError(`metric ${asked} does not apply to a ${task} model; use one of ${fits.join(', ')}`);
  }
  if (regression && minAccuracy !== undefined) throw new BadInputError('min_accuracy applies to classifiers and the model is a regression; leave it out, or gate on metric r2, rmse or mae with max_drop');
  return { metric: asked ?? (regression ? 'r2' : 'accuracy'), maxDrop, minAccuracy };
}

/** What one rollout stage saw and decided; deploy returns these as `stages` and writes them to the history. */
export interface StageResult {
  stage: number;
  percent: number;
  /** Shadow rows judged; null when the stage was not gated. */
  rows: number | null;
  metric: GateMetric;
  candidate: number | null;
  current: number | null;
  current_version: number | null;
  passed: boolean;
  note: string;
}

// Below this many rows one wrong prediction moves accuracy by several points: a small canary
// share is judged on at least this many shadow rows (or all of them).
const MIN_ROWS = 30;

/**
 * Shadow evaluation for rollout gates: the candidate and the serving version predict the same
 * rows; a stage at p% is judged on the first p% of the (seeded, shuffled) rows, as the traffic
 * the canary would have served so far, and the last stage on all of them.
 */
export class ShadowJudge {
  private readonly order: number[];

  constructor(
    private readonly config: GateConfig,
    private readonly candidate: Predictor | undefined,
    private current: { version: number; model: Predictor } | undefined,
    private readonly data: ShadowData | undefined,
    seed = 42,
  ) {
    const n = data?.table.rows.length ?? 0;
    this.order = shuffled(Array.from({ length: n }, (_, i) => i), mulberry32(seed));
  }

  /**
   * Scores one shadow row before anything is deployed, so a shadow file the candidate cannot read
   * fails the step up front; one the serving version cannot read leaves the candidate judged alone.
   */
  check(warn: (text: string) => void): void {
    if (!this.candidate || !this.data) return;
    const first = this.order.slice(0, 1);
    scoreOn(this.candidate, this.data.table, first, this.data.source);
    if (!this.current) return;
    try {
      scoreOn(this.current.model, this.data.table, first, this.data.source);
    } catch (e) {
      warn(`the serving v${this.current.version} cannot score the shadow data (${e instanceof Error ? e.message : String(e)}); judging the candidate alone`);
      this.current = undefined;
    }
  }

  judge(stage: number, percent: number): StageResult {
    const { metric, maxDrop, minAccuracy } = this.config;
    const base = { stage, percent, metric, current_version: this.current?.version ?? null };
    if (!this.candidate || !this.data) return { ...base, rows: null, candidate: null, current: null, passed: true, note: 'not gated: no shadow data' };
    const n = this.order.length;
    const take = percent >= 100 ? n : Math.min(n, Math.max(MIN_ROWS, Math.ceil((n * percent) / 100)));
    const rows = this.order.slice(0, take);
    const cand = scoreOn(this.candidate, this.data.table, rows, this.data.source);
    const cur = this.current ? scoreOn(this.current.model, this.data.table, rows, this.data.source) : undefined;
    const c = round(cand[metric] ?? NaN);
    const p = cur ? round(cur[metric] ?? NaN) : null;
    const drop = p === null ? 0 : round(LOWER_IS_BETTER.includes(metric) ? c - p : p - c);
    const problems: string[] = [];
    if (p !== null && !(drop <= maxDrop)) problems.push(`${metric} ${c} vs ${p} for v${this.current?.version}: ${LOWER_IS_BETTER.includes(metric) ? 'a rise' : 'a drop'} of ${drop}, more than max_drop ${maxDrop}`);
    const accuracy = round(cand.accuracy ?? NaN);
    if (minAccuracy !== undefined && !(accuracy >= minAccuracy)) problems.push(`accuracy ${accuracy} is below min_accuracy ${minAccuracy}`);
    const versus = p === null ? '' : ` vs ${p} for v${this.current?.version}`;
    const note = problems.length ? `${problems.join('; ')} (${take} shadow rows)` : `${metric} ${c}${versus} on ${take} shadow rows`;
    return { ...base, rows: take, candidate: c, current: p, passed: problems.length === 0, note };
  }
}

/** Canary traffic steps: `stages` as given, else 10, 50 then 100 cut at `percent`; always ending at `percent`. */
export function planStages(given: readonly number[] | undefined, percent: number): number[] {
  const stages = given ?? [10, 50, 100].filter((p) => p < percent);
  stages.forEach((p, i) => {
    if (!Number.isFinite(p) || p <= 0 || p > 100) throw new BadInputError(`stages must be percentages between 1 and 100, got ${JSON.stringify(given)}`);
    if (i > 0 && p <= (stages[i - 1] ?? 0)) throw new BadInputError(`stages must rise, such as [10, 50, 100], got ${JSON.stringify(given)}`);
  });
  const upTo = stages.filter((p) => p < percent);
  return [...upTo, percent];
}

/** `30s`, `5m`, `500ms`, `1h` or a number of seconds, in milliseconds. */
export function parseWait(value: unknown): number {
  if (value === undefined || value === null || value === '') return 0;
  if (typeof value !== 'string' && typeof value !== 'number') throw new BadInputError(`argument wait must be a duration such as 30s, got ${JSON.stringify(value)}`);
  const text = String(value).trim();
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text);
  if (!m) throw new BadInputError(`argument wait is "${text}"; write a duration such as 30s, 5m or 500ms`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1000;
  return Math.round(Number(m[1]) * unit);
}
