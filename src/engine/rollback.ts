import { errorMessage } from '../core/errors.js';
import type { ResolvedStep } from '../core/planCheck.js';
import type { RunState } from '../core/runState.js';
import type { Executor, StepSpec } from '../executors/executor.js';
import type { EventLog } from '../store/eventLog.js';
import { prepareAttempt, type AttemptSetting } from './attempt.js';
import { restoreCheckpoint } from './checkpoints.js';
import type { ContextInput } from './stepInputs.js';
import type { RunPaths } from './workspace.js';

export interface RollbackDeps {
  log: EventLog;
  steps: ReadonlyMap<string, ResolvedStep>;
  paths: RunPaths;
  executor: Executor;
  /** The process of a step's undo, its expressions able to read the step's own outputs. */
  prepareUndo(step: ResolvedStep): StepSpec;
}

/** The process of a step's undo: like an attempt, with its files named `<step>.undo.*`. */
export function undoSpec(step: ResolvedStep, input: ContextInput, setting: AttemptSetting): StepSpec {
  const undo = step.undoStep as ResolvedStep;
  const { spec } = prepareAttempt(undo, input, 0, setting);
  const file = (kind: 'log' | 'outputs' | 'pid' | 'exit') => setting.paths.attemptFile(step.id, 'undo', kind);
  // An undo is never recovered by resume, and runs again on every rollback: it claims nothing.
  delete spec.claimFile;
  return { ...spec, logPath: file('log'), outputPath: file('outputs'), pidFile: file('pid'), exitFile: file('exit'), env: { ...spec.env, BATON_ATTEMPT: 'undo', BATON_OUTPUT: file('outputs') } };
}

/** The steps a rollback undoes, latest first: those that succeeded after `to` (all, without it) and have an undo. */
export function stepsToUndo(state: RunState, steps: ReadonlyMap<string, ResolvedStep>, to?: string): string[] {
  const after = to !== undefined ? (state.steps[to]?.finishedAt ?? 0) : -Infinity;
  return state.order
    .filter((id) => {
      const s = state.steps[id];
      return s?.status === 'succeeded' && s.undone !== true && (s.finishedAt ?? 0) > after && steps.get(id)?.undoStep !== undefined;
    })
    .sort((a, b) => (state.steps[b]?.finishedAt ?? 0) - (state.steps[a]?.finishedAt ?? 0));
}

/** The checkpoint to go back to: the latest one saved by a step that stays (finished at or before `to`). */
export function checkpointToRestore(state: RunState, to?: string): string | undefined {
  if (to === undefined) return undefined;
  const limit = state.steps[to]?.finishedAt ?? 0;
  let best: { id: string; at: number } | undefined;
  for (const id of state.order) {
    const s = state.steps[id];
    if (!s?.checkpoint || s.status !== 'succeeded' || (s.finishedAt ?? 0) > limit) continue;
    if (!best || (s.finishedAt ?? 0) >= best.at) best = { id, at: s.finishedAt ?? 0 };
  }
  return best?.id;
}

/**
 * Runs the undo of every completed step after `to`, in reverse order of completion, then puts the
 * workspace back to the checkpoint at that point. Recorded as events, so a rollback stopped half
 * way goes on where it left off when run again. Stops at the first undo that fails.
 */
export async function rollback(d: RollbackDeps, reason: string, to?: string): Promise<{ ok: boolean; undone: string[]; error?: string }> {
  const state = d.log.state;
  d.log.append({ type: 'run.rollback', phase: 'started', reason, ...(to !== undefined ? { to } : {}) });
  d.log.flush();
  const undone: string[] = [];
  for (const id of stepsToUndo(state, d.steps, to)) {
    const step = d.steps.get(id) as ResolvedStep;
    let spec: StepSpec;
    try {
      spec = d.prepareUndo(step);
    } catch (e) {
      return finish(d, false, undone, `${id}: ${errorMessage(e)}`);
    }
    const result = await d.executor.start(spec, { onSpawn: () => undefined, onLine: () => undefined }).result;
    const ok = result.exitCode === 0 && !result.error;
    const error = ok ? undefined : (result.error ?? `its undo exited with ${result.exitCode ?? result.signal ?? 'a signal'}`);
    d.log.append({ type: 'step.undone', step: id, ok, logPath: spec.logPath, ...(error !== undefined ? { error } : {}) });
    d.log.flush();
    if (!ok) return finish(d, false, undone, `${id}: ${error ?? ''}`);
    undone.push(id);
  }
  const restore = checkpointToRestore(state, to);
  if (restore !== undefined) {
    try {
      restoreCheckpoint(d.paths.workspace, d.paths.checkpointDir(restore));
    } catch (e) {
      return finish(d, false, undone, `restoring the checkpoint of ${restore}: ${errorMessage(e)}`);
    }
  }
  return finish(d, true, undone, undefined, restore);
}

function finish(d: RollbackDeps, ok: boolean, undone: string[], error?: string, restored?: string): { ok: boolean; undone: string[]; error?: string } {
  d.log.append({ type: 'run.rollback', phase: 'finished', ok, undone, ...(restored !== undefined ? { restored } : {}), ...(error !== undefined ? { error } : {}) });
  d.log.flush();
  return error !== undefined ? { ok, undone, error } : { ok, undone };
}
