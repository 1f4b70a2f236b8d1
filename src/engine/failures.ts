import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { formatDuration } from '../core/duration.js';
import { classify, type Classification, type ErrorClass } from '../core/failure.js';
import { BUILTIN_REMEDIES, chooseRemedy, type RemedyAction } from '../core/remedy.js';
import type { EventBody } from '../core/events.js';
import type { ResolvedStep } from '../core/planCheck.js';
import { retryDelay, shouldRetry } from '../core/retry.js';
import type { StepState } from '../core/runState.js';
import type { StepResult } from '../executors/executor.js';
import type { Config } from '../registry/config.js';
import type { RunPaths } from './workspace.js';

const TAIL_BYTES = 16 * 1024;

/** The end of a log, where error messages are; empty when there is none. */
export function readLogTail(path: string, bytes = TAIL_BYTES): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Classifies a failed attempt with the step's rules, then its command's, then the project's. */
export function classifyFailure(step: ResolvedStep, result: StepResult, logTail: string, config: Config): Classification {
  return classify(
    { exitCode: result.exitCode, signal: result.signal, timedOut: result.timedOut, cancelled: result.cancelled, logTail },
    [...step.errors, ...(step.def?.errors ?? []), ...config.errors],
  );
}

/** Self-healing for a failed attempt: the command's remedies, then the project's, then the built-in ones. */
export function remedyFor(
  step: ResolvedStep,
  result: StepResult,
  errorClass: ErrorClass,
  logTail: string,
  config: Config,
  attempt: { args: Record<string, unknown>; timeoutMs: number | undefined },
): RemedyAction | undefined {
  const remedies = [...(step.def?.remedies ?? []), ...config.remedies, ...BUILTIN_REMEDIES];
  return chooseRemedy(remedies, { class: errorClass, timedOut: result.timedOut, exitCode: result.exitCode, logTail }, attempt.args, attempt.timeoutMs);
}

export function describeFailure(r: StepResult, timeoutMs: number | null | undefined): string {
  if (r.timedOut) return `timed out after ${formatDuration(timeoutMs ?? 0)}`;
  if (r.error) return r.error;
  if (r.exitCode === 127) return 'exit code 127: the program was not found';
  if (r.exitCode !== null) return `exit code ${r.exitCode}`;
  return `killed by ${r.signal ?? 'a signal'}`;
}

export type FailureNext =
  | { kind: 'heal'; event: EventBody }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'fallback'; to: string }
  | { kind: 'final' };

/**
 * What follows a failed attempt, best first: a remedy that changes the next attempt (self-healing,
 * at most `healAttempts` per step), a retry the policy allows for this class of failure, the step's
 * fallback, or nothing. A remedy that can only suggest a fix comes back as `suggestion`, once.
 */
export function nextAfterFailure(
  step: ResolvedStep,
  state: StepState | undefined,
  attempt: number,
  used: number,
  result: StepResult,
  errorClass: ErrorClass,
  logTail: string,
  config: Config,
  ran: { args: Record<string, unknown>; timeoutMs: number | undefined },
): { next: FailureNext; suggestion?: EventBody } {
  const action = remedyFor(step, result, errorClass, logTail, config, ran);
  const base = action ? { type: 'step.remedy' as const, step: step.id, attempt, remedy: action.remedy, description: action.description } : undefined;
  let suggestion: EventBody | undefined;
  if (action && base) {
    if (action.kind === 'suggest') {
      if (!state?.suggestions?.includes(action.description)) suggestion = { ...base, action: 'suggest' };
    } else if ((state?.healed?.length ?? 0) < config.healAttempts) {
      const event: EventBody = { ...base, action: 'retry', ...(action.args ? { args: action.args } : {}), ...(action.timeoutMs !== undefined ? { timeoutMs: action.timeoutMs } : {}) };
      return { next: { kind: 'heal', event } };
    }
  }
  const withSuggestion = (next: FailureNext) => (suggestion ? { next, suggestion } : { next });
  if (shouldRetry(step.retry, used, errorClass)) return withSuggestion({ kind: 'retry', delayMs: retryDelay(step.retry, used + 1) });
  if (step.fallbackStep) return withSuggestion({ kind: 'fallback', to: step.fallbackStep.command ?? step.fallbackStep.estimateKey });
  return withSuggestion({ kind: 'final' });
}

/** The events of an attempt that never ran: bad inputs (permanent) or an open circuit (transient). */
export function notRunEvents(id: string, attempt: number, paths: RunPaths, error: string, errorClass: ErrorClass, reason: string): EventBody[] {
  return [
    { type: 'step.started', step: id, attempt, agent: '-', workdir: paths.stepDir(id), logPath: paths.attemptFile(id, attempt, 'log') },
    { type: 'step.failed', step: id, attempt, exitCode: null, signal: null, error, durationMs: 0, errorClass, errorReason: reason },
  ];
}
