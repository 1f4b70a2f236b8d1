import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { formatDuration } from '../core/duration.js';
import { classify, type Classification, type ErrorClass } from '../core/failure.js';
import { BUILTIN_REMEDIES, chooseRemedy, type RemedyAction } from '../core/remedy.js';
import type { ResolvedStep } from '../core/planCheck.js';
import type { StepResult } from '../executors/executor.js';
import type { Config } from '../registry/config.js';

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
