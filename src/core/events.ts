import type { ErrorClass } from './failure.js';
import type { Severity } from './plan.js';
import type { ResolvedPlan } from './planCheck.js';

/**
 * Everything that happens to a run is one of these events, appended to the store in order. The
 * state of a run is a fold over them (runState.ts): resume, `baton status` and the UI all read
 * that fold, so there is one truth.
 */
export type RunStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'degraded' | 'cancelled' | 'interrupted';
export type StepStatus =
  | 'pending'
  | 'running'
  | 'retrying'
  | 'succeeded'
  | 'failed'
  | 'skipped'
  | 'cancelled'
  | 'interrupted';

/** One glyph per step status, the same in plain lines, tables and the live view. */
export const STATUS_ICON: Record<StepStatus, string> = {
  pending: '·',
  running: '▶',
  retrying: '⟳',
  succeeded: '✔',
  failed: '✖',
  skipped: '⤼',
  cancelled: '■',
  interrupted: '!',
};

export interface StepSummary {
  id: string;
  command?: string;
  needs: string[];
}

export type EventBody =
  | { type: 'run.created'; name: string; steps: StepSummary[] }
  | { type: 'run.started'; pid: number; host: string; parallel: number }
  | { type: 'run.resumed'; pid: number; host: string; parallel: number }
  | { type: 'run.finished'; status: RunStatus; reason?: string }
  | { type: 'breaker.changed'; key: string; from: string; to: string; failures: number }
  | { type: 'run.rollback'; phase: 'started'; reason: string; to?: string }
  | { type: 'run.rollback'; phase: 'finished'; ok: boolean; undone: string[]; restored?: string; error?: string }
  | { type: 'hook.ran'; hook: string; step?: string; exitCode: number | null; error?: string }
  | { type: 'step.started'; step: string; attempt: number; agent: string; workdir: string; logPath: string; fallback?: boolean }
  | { type: 'step.spawned'; step: string; attempt: number; pid: number }
  | { type: 'step.progress'; step: string; attempt: number; current: number; total: number; message?: string }
  | { type: 'step.message'; step: string; attempt: number; level: 'notice' | 'warning' | 'error'; text: string }
  | {
      type: 'step.succeeded';
      step: string;
      attempt: number;
      outputs: Record<string, unknown>;
      durationMs: number;
      /** True when resume found the attempt had finished while baton was down. */
      recovered?: boolean;
      /** The outputs come from the step's fallback, not from the step itself. */
      viaFallback?: boolean;
      /** How a loop ended ("until met after 3 iterations"), or how a forEach went. */
      note?: string;
    }
  | {
      type: 'step.failed';
      step: string;
      attempt: number;
      exitCode: number | null;
      signal: string | null;
      error: string;
      durationMs: number;
      recovered?: boolean;
      errorClass?: ErrorClass;
      /** Why it got that class ("out of memory", "exit code 2"). */
      errorReason?: string;
      severity?: Severity;
    }
  | { type: 'step.retrying'; step: string; nextAttempt: number; delayMs: number; retryAt: number }
  | { type: 'step.fallback'; step: string; to: string }
  | { type: 'step.expanded'; step: string; items: unknown[] }
  | { type: 'step.grouped'; step: string; children: string[]; params: Record<string, unknown> }
  | { type: 'step.iterated'; step: string; attempt: number; iteration: number; outputs: Record<string, unknown>; until: string }
  | { type: 'step.exported'; step: string; values: Record<string, unknown> }
  | { type: 'step.checkpointed'; step: string; path: string }
  | { type: 'step.escalated'; step: string; from: Severity; to: Severity; reason: string }
  | { type: 'step.undone'; step: string; ok: boolean; logPath: string; error?: string }
  | {
      type: 'step.remedy';
      step: string;
      attempt: number;
      action: 'retry' | 'suggest';
      remedy: string;
      description: string;
      /** For the next attempt: argument values and timeout that replace the plan's. */
      args?: Record<string, number>;
      timeoutMs?: number;
    }
  | { type: 'step.skipped'; step: string; reason: string }
  | { type: 'step.interrupted'; step: string; attempt: number; reason: string }
  | { type: 'step.cancelled'; step: string; attempt?: number; reason: string }
  /** Queued again while the run goes on (a retry asked for by the user): it runs as its next attempt. */
  | { type: 'step.requeued'; step: string; reason: string };

export type RunEvent = EventBody & { seq: number; ts: number };

/** The step an event is about, if any (also stored in its own column for lookups). */
export function eventStep(e: EventBody): string | undefined {
  return 'step' in e ? e.step : undefined;
}

export function eventAttempt(e: EventBody): number | undefined {
  if ('attempt' in e) return e.attempt;
  if (e.type === 'step.retrying') return e.nextAttempt;
  return undefined;
}

/** The first event of every run: its name and steps, from the plan it runs. */
export function createdEvent(plan: ResolvedPlan): EventBody {
  return { type: 'run.created', name: plan.name, steps: plan.steps.map((s) => ({ id: s.id, command: s.command ?? s.estimateKey, needs: s.needs })) };
}

/** The id of instance `index` of a forEach step. */
export function instanceId(parent: string, index: number): string {
  return `${parent}[${index}]`;
}
