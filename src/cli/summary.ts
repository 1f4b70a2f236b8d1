import { existsSync, readFileSync } from 'node:fs';
import { formatDuration } from '../core/duration.js';
import { STATUS_ICON, type RunStatus } from '../core/events.js';
import { countByStatus, type RunState } from '../core/runState.js';
import { briefOutputs, colorStatus, dim, red, table } from './format.js';

export interface RunJson {
  run: string;
  name: string;
  status: RunStatus;
  reason?: string;
  steps: {
    id: string;
    command: string | null;
    status: string;
    attempts: number;
    outputs: Record<string, unknown>;
    agent: string | null;
    durationMs: number | null;
    error?: string;
    errorClass?: string;
    reason?: string;
    /** "succeeded" when the step's fallback produced its outputs. */
    fallback?: string;
    /** What self-healing changed, and fixes it suggests. */
    healed?: string[];
    suggestions?: string[];
    severity?: string;
    escalations?: string[];
    /** true once rolled back; the error when its undo failed. */
    undone?: true | string;
  }[];
  rollback?: RunState['rollback'];
}

/** The machine-readable shape that `run`, `resume` and `status` print with --json. */
export function runJson(state: RunState, status: RunStatus): RunJson {
  const out: RunJson = {
    run: state.id,
    name: state.name,
    status,
    steps: state.order.map((id) => {
      const s = state.steps[id];
      const last = s?.attempts[s.attempts.length - 1];
      const step: RunJson['steps'][number] = {
        id,
        command: s?.command ?? null,
        status: s?.status ?? 'pending',
        attempts: s?.attempts.length ?? 0,
        outputs: s?.outputs ?? {},
        agent: last?.agent ?? null,
        durationMs: s?.durationMs ?? null,
      };
      if (s?.error !== undefined) step.error = s.error;
      if (s?.errorClass !== undefined) step.errorClass = s.errorClass;
      if (s?.reason !== undefined) step.reason = s.reason;
      if (s?.fallback !== undefined) step.fallback = s.fallback;
      if (s?.healed !== undefined) step.healed = s.healed;
      if (s?.severity !== undefined) step.severity = s.severity;
      if (s?.escalations !== undefined) step.escalations = s.escalations;
      if (s?.undone !== undefined) step.undone = s.undone;
      if (s?.suggestions !== undefined) step.suggestions = s.suggestions;
      return step;
    }),
  };
  if (state.reason !== undefined) out.reason = state.reason;
  if (state.rollback !== undefined) out.rollback = state.rollback;
  return out;
}

export function exitCodeFor(status: RunStatus): number {
  return status === 'succeeded' || status === 'degraded' ? 0 : 1;
}

export function countsLine(state: RunState): string {
  const c = countByStatus(state);
  const done = c.succeeded + c.failed + c.skipped;
  const parts = [`${done}/${state.order.length} done`, `✔ ${c.succeeded}`];
  if (c.failed) parts.push(`✖ ${c.failed}`);
  if (c.skipped) parts.push(`⤼ ${c.skipped}`);
  if (c.retrying) parts.push(`⟳ ${c.retrying}`);
  if (c.running) parts.push(`▶ ${c.running}`);
  if (c.cancelled + c.interrupted) parts.push(`■ ${c.cancelled + c.interrupted}`);
  return parts.join('  ');
}

/** The step table shown at the end of a run and by `baton status`. */
export function stepTable(state: RunState): string {
  const rows = state.order.map((id) => {
    const s = state.steps[id];
    if (!s) return [id, '', '', '', '', ''];
    const last = s.attempts[s.attempts.length - 1];
    const hint = s.suggestions?.length ? ` — ${s.suggestions[s.suggestions.length - 1] ?? ''}` : '';
    const failure = s.error !== undefined ? `${s.error}${s.errorClass ? ` [${s.errorClass}]` : ''}${hint}` : undefined;
    const outputs = `${s.fallback === 'succeeded' ? '(fallback) ' : ''}${s.healed?.length ? '(healed) ' : ''}${briefOutputs(s.outputs)}`;
    const undone = s.undone === true ? '(undone) ' : s.undone ? `(undo failed: ${s.undone}) ` : '';
    const waiting = s.status === 'retrying' && s.retryAt !== undefined ? `retrying in ${formatDuration(Math.max(0, s.retryAt - Date.now()))}` : undefined;
    const detail = undone + (s.status === 'succeeded' ? outputs : (waiting ?? failure ?? s.reason ?? ''));
    return [
      `${STATUS_ICON[s.status]} ${id}`,
      s.command ?? '',
      last?.agent ?? '',
      colorStatus(s.status),
      String(s.attempts.length),
      s.durationMs !== undefined ? formatDuration(s.durationMs) : '',
      detail,
    ];
  });
  return table(['step', 'command', 'agent', 'status', 'tries', 'time', 'outputs / reason'], rows);
}

/** The last lines of each failed step's log, since that is what a user reads next. */
export function failedLogs(state: RunState, lines = 10): string {
  const parts: string[] = [];
  for (const id of state.order) {
    const s = state.steps[id];
    const last = s?.attempts[s.attempts.length - 1];
    if (!s || s.status !== 'failed' || !last || !existsSync(last.logPath)) continue;
    const tail = readFileSync(last.logPath, 'utf8').trimEnd().split('\n').slice(-lines);
    parts.push(red(`── ${id} (attempt ${last.n}) log, last ${tail.length} lines ──`), ...tail.map((l) => `  ${l}`));
  }
  return parts.join('\n');
}

export function runHeadline(state: RunState, status: RunStatus): string {
  const took = state.startedAt !== undefined ? ` in ${formatDuration((state.finishedAt ?? Date.now()) - state.startedAt)}` : '';
  const reason = state.reason && status !== 'succeeded' ? dim(` (${state.reason})`) : '';
  const rollback = state.rollback ? dim(`; rollback ${state.rollback.status}${state.rollback.restored ? `, workspace restored to ${state.rollback.restored}` : ''}`) : '';
  return `run ${state.id} ${colorStatus(status)}${took}${reason}${rollback}  ${dim(countsLine(state))}`;
}
