import { instanceId, type EventBody, type RunEvent, type RunStatus, type StepStatus } from './events.js';
import type { ErrorClass } from './failure.js';
import type { Severity } from './plan.js';

export type AttemptStatus = 'running' | 'succeeded' | 'failed' | 'interrupted' | 'cancelled';

export interface AttemptState {
  n: number;
  status: AttemptStatus;
  agent: string;
  workdir: string;
  logPath: string;
  pid?: number;
  startedAt: number;
  finishedAt?: number;
  exitCode?: number | null;
  error?: string;
}

export interface StepState {
  id: string;
  command?: string;
  needs: string[];
  status: StepStatus;
  attempts: AttemptState[];
  outputs: Record<string, unknown>;
  startedAt?: number;
  finishedAt?: number;
  durationMs?: number;
  error?: string;
  reason?: string;
  progress?: { current: number; total: number; message?: string };
  retryAt?: number;
  recovered?: boolean;
  errorClass?: ErrorClass;
  /** Its fallback is running or has produced its outputs. */
  fallback?: 'running' | 'succeeded';
  /** A forEach step's instances, or a `uses` step's workflow steps, once started. */
  instances?: string[];
  /** A `uses` step's parameters, as its nested workflow sees them. */
  params?: Record<string, unknown>;
  /** On an instance: its forEach step, item and position. */
  loop?: { parent: string; item: unknown; index: number };
  /** Iterations an until loop has completed. */
  iteration?: number;
  /** What self-healing changed for the next attempts. */
  overrides?: { args: Record<string, number>; timeoutMs?: number };
  /** Self-healing applied and fixes suggested, in order, as sentences. */
  healed?: string[];
  suggestions?: string[];
  /** Its checkpoint of the run's workspace, when it declared `checkpoint: true`. */
  checkpoint?: string;
  severity?: Severity;
  escalations?: string[];
  /** Rolled back: its undo ran (true), or failed (the error). */
  undone?: true | string;
}

export interface RunState {
  id: string;
  name: string;
  status: RunStatus;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  owner?: { pid: number; host: string };
  parallel?: number;
  reason?: string;
  rollback?: { status: 'running' | 'done' | 'failed'; reason: string; to?: string; restored?: string; error?: string };
  order: string[];
  steps: Record<string, StepState>;
  lastSeq: number;
}

export function emptyRun(id: string): RunState {
  return { id, name: '', status: 'pending', createdAt: 0, order: [], steps: {}, lastSeq: 0 };
}

/**
 * Applies one event to a run's state, in place (folding 100k events must stay fast). The same
 * function serves the live engine, resume and the status tables.
 */
export function applyEvent(run: RunState, event: RunEvent): RunState {
  run.lastSeq = event.seq;
  const e: EventBody = event;
  switch (e.type) {
    case 'run.created':
      run.name = e.name;
      run.createdAt = event.ts;
      run.order = e.steps.map((s) => s.id);
      for (const s of e.steps) {
        const step: StepState = { id: s.id, needs: s.needs, status: 'pending', attempts: [], outputs: {} };
        if (s.command !== undefined) step.command = s.command;
        run.steps[s.id] = step;
      }
      return run;
    case 'run.started':
    case 'run.resumed':
      run.status = 'running';
      run.startedAt ??= event.ts;
      delete run.finishedAt;
      delete run.reason;
      run.owner = { pid: e.pid, host: e.host };
      run.parallel = e.parallel;
      return run;
    case 'breaker.changed':
    case 'hook.ran':
      return run;
    case 'run.rollback':
      if (e.phase === 'started') run.rollback = { status: 'running', reason: e.reason, ...(e.to !== undefined ? { to: e.to } : {}) };
      else if (run.rollback) {
        run.rollback.status = e.ok ? 'done' : 'failed';
        if (e.restored !== undefined) run.rollback.restored = e.restored;
        if (e.error !== undefined) run.rollback.error = e.error;
      }
      return run;
    case 'run.finished':
      run.status = e.status;
      run.finishedAt = event.ts;
      if (e.reason !== undefined) run.reason = e.reason;
      return run;
    default:
      applyStepEvent(run, e, event.ts);
      return run;
  }
}

function applyStepEvent(run: RunState, e: Extract<EventBody, { type: `step.${string}` }>, ts: number): void {
  const step = run.steps[e.step];
  if (!step) return;
  const attempt = 'attempt' in e && e.attempt !== undefined ? step.attempts[e.attempt - 1] : undefined;
  switch (e.type) {
    case 'step.started':
      step.status = 'running';
      step.startedAt = ts;
      delete step.finishedAt;
      delete step.error;
      delete step.reason;
      delete step.retryAt;
      delete step.progress;
      delete step.errorClass;
      if (!e.fallback) delete step.fallback;
      step.attempts[e.attempt - 1] = { n: e.attempt, status: 'running', agent: e.agent, workdir: e.workdir, logPath: e.logPath, startedAt: ts };
      return;
    case 'step.spawned':
      if (attempt) attempt.pid = e.pid;
      return;
    case 'step.progress': {
      const progress: StepState['progress'] = { current: e.current, total: e.total };
      if (e.message !== undefined) progress.message = e.message;
      step.progress = progress;
      return;
    }
    case 'step.message':
      return;
    case 'step.succeeded':
      step.status = 'succeeded';
      step.outputs = e.outputs;
      step.finishedAt = ts;
      step.durationMs = e.durationMs;
      if (e.recovered) step.recovered = true;
      if (e.viaFallback) step.fallback = 'succeeded';
      if (e.note !== undefined) step.reason = e.note;
      finishAttempt(attempt, 'succeeded', ts, 0);
      return;
    case 'step.failed':
      step.status = 'failed';
      step.error = e.error;
      if (e.errorClass !== undefined) step.errorClass = e.errorClass;
      if (e.severity !== undefined) step.severity = e.severity;
      step.finishedAt = ts;
      step.durationMs = e.durationMs;
      finishAttempt(attempt, 'failed', ts, e.exitCode, e.error);
      return;
    case 'step.expanded': {
      step.status = 'running';
      step.startedAt = ts;
      step.instances = e.items.map((_, i) => instanceId(step.id, i));
      const at = run.order.indexOf(step.id) + 1;
      e.items.forEach((item, index) => {
        const id = instanceId(step.id, index);
        run.steps[id] = { id, needs: [], status: 'pending', attempts: [], outputs: {}, loop: { parent: step.id, item, index }, ...(step.command !== undefined ? { command: step.command } : {}) };
      });
      run.order.splice(at, 0, ...(step.instances ?? []));
      return;
    }
    case 'step.grouped':
      step.status = 'running';
      step.startedAt = ts;
      step.instances = e.children;
      step.params = e.params;
      return;
    case 'step.iterated':
      step.status = 'pending';
      step.outputs = e.outputs;
      step.iteration = e.iteration;
      step.reason = `iteration ${e.iteration}: ${e.until} not yet true`;
      finishAttempt(attempt, 'succeeded', ts, 0);
      return;
    case 'step.exported':
      return;
    case 'step.checkpointed':
      step.checkpoint = e.path;
      return;
    case 'step.escalated':
      step.severity = e.to;
      step.escalations = [...(step.escalations ?? []), `${e.from} → ${e.to}: ${e.reason}`];
      return;
    case 'step.undone':
      step.undone = e.ok ? true : (e.error ?? 'undo failed');
      return;
    case 'step.remedy':
      if (e.action === 'suggest') {
        step.suggestions = [...(step.suggestions ?? []), e.description];
        return;
      }
      step.healed = [...(step.healed ?? []), e.description];
      step.overrides = { args: { ...step.overrides?.args, ...e.args }, ...(e.timeoutMs !== undefined ? { timeoutMs: e.timeoutMs } : step.overrides?.timeoutMs !== undefined ? { timeoutMs: step.overrides.timeoutMs } : {}) };
      return;
    case 'step.fallback':
      step.fallback = 'running';
      return;
    case 'step.retrying':
      step.status = 'retrying';
      step.retryAt = e.retryAt;
      return;
    case 'step.skipped':
      step.status = 'skipped';
      step.reason = e.reason;
      step.finishedAt = ts;
      return;
    case 'step.interrupted':
      step.status = 'interrupted';
      step.reason = e.reason;
      finishAttempt(attempt, 'interrupted', ts, undefined, e.reason);
      return;
    case 'step.cancelled':
      step.status = 'cancelled';
      step.reason = e.reason;
      finishAttempt(attempt, 'cancelled', ts, undefined, e.reason);
      return;
    case 'step.requeued':
      // A forEach or `uses` step runs again through its members, so it is running, not waiting.
      step.status = step.instances ? 'running' : 'pending';
      step.reason = e.reason;
      // Its attempts stay, so the next one is numbered after them; how the last one ended does not.
      delete step.finishedAt;
      delete step.durationMs;
      delete step.error;
      delete step.errorClass;
      delete step.retryAt;
      delete step.progress;
      delete step.fallback;
      return;
  }
}

function finishAttempt(attempt: AttemptState | undefined, status: AttemptStatus, ts: number, exitCode?: number | null, error?: string): void {
  if (!attempt) return;
  attempt.status = status;
  attempt.finishedAt = ts;
  if (exitCode !== undefined) attempt.exitCode = exitCode;
  if (error !== undefined) attempt.error = error;
}

export function foldEvents(id: string, events: Iterable<RunEvent>, from: RunState = emptyRun(id)): RunState {
  for (const e of events) applyEvent(from, e);
  return from;
}

/** A run recorded as running whose owner process is gone was interrupted (a crash, kill -9, reboot). */
export function effectiveStatus(run: RunState, ownerAlive: (pid: number, host: string) => boolean): RunStatus {
  if (run.status === 'running' && run.owner && !ownerAlive(run.owner.pid, run.owner.host)) return 'interrupted';
  return run.status;
}

export function countByStatus(run: RunState): Record<StepStatus, number> {
  const counts: Record<StepStatus, number> = { pending: 0, running: 0, retrying: 0, succeeded: 0, failed: 0, skipped: 0, cancelled: 0, interrupted: 0 };
  for (const id of run.order) {
    const s = run.steps[id];
    if (s) counts[s.status]++;
  }
  return counts;
}
