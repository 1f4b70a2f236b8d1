import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { createdEvent } from '../core/events.js';
import type { ResolvedPlan } from '../core/planCheck.js';
import { errorMessage } from '../core/errors.js';
import type { Executor, RunningStep } from '../executors/executor.js';
import { readOutputs } from '../executors/outputsFile.js';
import { groupRunsAttempt, terminateGroup } from '../executors/processGroup.js';
import type { EventLog } from '../store/eventLog.js';
import { runPaths } from './workspace.js';

export interface Recovered {
  step: string;
  attempt: number;
  outcome: 'killed' | 'finished' | 'lost' | 'followed';
}

export interface RecoveryOptions {
  /** An executor that can follow attempts still running elsewhere (queue jobs on workers). */
  executor?: Executor;
  /** Hears of each attempt followed to its end rather than stopped and run again. */
  onFollow?: (step: string, attempt: number) => void;
}

function readNumber(path: string): number | undefined {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return text === '' ? undefined : Number(text);
  } catch {
    return undefined;
  }
}

/** What a resume writes in the claims it makes; a wrapper's claim is empty. */
const RESUME_CLAIM = 'resume\n';

/**
 * Creates the attempt's claim file exclusively; false when its wrapper already has. A claim an
 * earlier resume made (it died before recording what it found) counts as ours: no wrapper can
 * start that attempt any more, so there is nothing to wait for.
 */
export function claimAttempt(path: string): boolean {
  try {
    const fd = openSync(path, 'wx');
    try {
      writeSync(fd, RESUME_CLAIM);
    } finally {
      closeSync(fd);
    }
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      try {
        return readFileSync(path, 'utf8') === RESUME_CLAIM;
      } catch {
        return false;
      }
    }
    // No attempts folder (a workspace deleted while baton was down): no wrapper can run there either.
    return true;
  }
}

/** Longer than a wrapper takes between creating its exit file and writing the code in it. */
const EMPTY_EXIT_MS = 250;

/** The file exists, is empty, and has not changed for `ms`. */
function emptyFor(path: string, ms: number): boolean {
  try {
    const st = statSync(path);
    return st.size === 0 && Date.now() - st.mtimeMs >= ms;
  } catch {
    return false;
  }
}

async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
}

/**
 * Settles attempts that were in flight when baton died. A process group still running is an
 * orphan: it is stopped (SIGTERM, then SIGKILL) and its attempt marked interrupted. An attempt
 * whose exit file shows it finished while baton was down keeps its result, so work that completed
 * is never done twice. A run that died between its creation and its first event gets its steps.
 */
export async function recoverInFlight(log: EventLog, plan: ResolvedPlan, projectDir: string, graceMs: number, ro: RecoveryOptions = {}): Promise<Recovered[]> {
  if (log.state.lastSeq === 0) log.append(createdEvent(plan));
  const state = log.state;
  const paths = runPaths(projectDir, state.id);
  const out: Recovered[] = [];
  const followed: { id: string; n: number; startedAt: number; handle: RunningStep }[] = [];
  for (const id of state.order) {
    const step = state.steps[id];
    const attempt = step?.attempts[step.attempts.length - 1];
    if (!step || step.status !== 'running' || !attempt) continue;
    const n = attempt.n;
    // Still queued or running on a worker: wait for it rather than run it twice.
    const ref = { runId: state.id, stepId: id, attempt: n, outputPath: paths.attemptFile(id, n, 'outputs'), exitFile: paths.attemptFile(id, n, 'exit') };
    const handle = await ro.executor?.reattach?.(ref, { onSpawn: () => undefined, onLine: () => undefined });
    if (handle) {
      ro.onFollow?.(id, n);
      followed.push({ id, n, startedAt: attempt.startedAt, handle });
      continue;
    }
    const pidFile = paths.attemptFile(id, n, 'pid');
    const exitFile = paths.attemptFile(id, n, 'exit');
    // Settle who owns the attempt: if resume claims it first, a job line still queued for the old
    // launcher can never start it; if its wrapper claimed it, the step started or is starting, and
    // its pid, then its exit code, are on their way: wait for them rather than run the step twice.
    const ours = claimAttempt(paths.attemptFile(id, n, 'claim'));
    if (!ours) await until(() => readNumber(pidFile) !== undefined || readNumber(exitFile) !== undefined, graceMs);
    const pgid = attempt.pid ?? readNumber(pidFile);
    if (pgid !== undefined && groupRunsAttempt(pgid, `BATON_OUTPUT=${paths.attemptFile(id, n, 'outputs')}`)) {
      await terminateGroup(pgid, graceMs);
      log.append({ type: 'step.interrupted', step: id, attempt: n, reason: `baton stopped while it ran; its process group ${pgid} was stopped` });
      out.push({ step: id, attempt: n, outcome: 'killed' });
      continue;
    }
    // An exit file that exists but stays empty is a write that failed (a full disk): its wrapper has
    // written all it will, a moment after creating the file, so it is not waited for any longer.
    if (!ours) await until(() => readNumber(exitFile) !== undefined || emptyFor(exitFile, EMPTY_EXIT_MS), graceMs);
    const code = readNumber(exitFile);
    const durationMs = Math.max(0, Date.now() - attempt.startedAt);
    if (code === 0) {
      let outputs: Record<string, unknown> = {};
      try {
        const path = paths.attemptFile(id, n, 'outputs');
        if (existsSync(path)) outputs = readOutputs(path, log.masking?.secrets);
      } catch (e) {
        log.append({ type: 'step.failed', step: id, attempt: n, exitCode: 0, signal: null, error: `its output file could not be read: ${errorMessage(e)}`, durationMs, recovered: true });
        out.push({ step: id, attempt: n, outcome: 'finished' });
        continue;
      }
      log.append({ type: 'step.succeeded', step: id, attempt: n, outputs, durationMs, recovered: true });
      out.push({ step: id, attempt: n, outcome: 'finished' });
    } else if (code !== undefined && code < 128) {
      log.append({ type: 'step.failed', step: id, attempt: n, exitCode: code, signal: null, error: `exit code ${code}`, durationMs, recovered: true });
      out.push({ step: id, attempt: n, outcome: 'finished' });
    } else {
      // Killed by a signal (often SIGPIPE once baton's end of its output pipe closed) or no trace at all.
      log.append({ type: 'step.interrupted', step: id, attempt: n, reason: 'baton stopped while it ran' });
      out.push({ step: id, attempt: n, outcome: 'lost' });
    }
  }
  for (const f of followed) {
    const r = await f.handle.result;
    const durationMs = Math.max(0, Date.now() - f.startedAt);
    if (r.exitCode === 0 && !r.error && !r.cancelled && !r.timedOut) log.append({ type: 'step.succeeded', step: f.id, attempt: f.n, outputs: r.outputs, durationMs, recovered: true });
    else if (r.cancelled) log.append({ type: 'step.interrupted', step: f.id, attempt: f.n, reason: 'cancelled while baton was down' });
    else log.append({ type: 'step.failed', step: f.id, attempt: f.n, exitCode: r.exitCode, signal: r.signal, error: r.error ?? (r.timedOut ? 'timed out' : `exit code ${r.exitCode ?? r.signal ?? '?'}`), durationMs, recovered: true });
    out.push({ step: f.id, attempt: f.n, outcome: 'followed' });
  }
  log.flush();
  return out;
}
