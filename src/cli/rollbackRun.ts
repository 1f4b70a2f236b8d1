import { NotFoundError } from '../core/errors.js';
import { didYouMean } from '../core/similar.js';
import { stepsToUndo } from '../engine/rollback.js';
import { EventLog } from '../store/eventLog.js';
import type { Store } from '../store/open.js';
import { RunRepository } from '../store/runs.js';
import type { Project } from './context.js';
import { createEngine } from './execute.js';
import { runToChange } from './runAccess.js';

export interface RollbackHooks {
  /** Before any undo runs: the run's event log, and the steps to undo, latest first. */
  start?: (log: EventLog, planned: string[]) => void;
  output?: (step: string, line: string) => void;
}

/**
 * Runs the undo of a run's completed steps after `to` (all, without it) in reverse order and
 * restores its workspace checkpoint: `baton rollback` and the REPL's `/rollback`.
 */
export async function rollbackRun(project: Project, store: Store, id: string, to: string | undefined, hooks: RollbackHooks = {}) {
  const runs = new RunRepository(store);
  const { row, state } = await runToChange(runs, id, 'cancel it first, then roll it back');
  if (to !== undefined && state.steps[to]?.status !== 'succeeded') {
    const hint = didYouMean(to, state.order);
    throw new NotFoundError(`--to ${to}: run ${row.id} has no succeeded step "${to}"${hint ? ` (${hint})` : ''}`, 'roll back to a step that completed');
  }
  const stored = await runs.loadPlan(row.id);
  const log = new EventLog(store, state);
  const { engine, executor } = await createEngine(project, store, log, stored, hooks.output);
  hooks.start?.(log, stepsToUndo(state, new Map(stored.plan.steps.map((s) => [s.id, s])), to));
  try {
    const result = await engine.rollback(to !== undefined ? `rolled back to ${to} by hand` : 'rolled back by hand', to);
    return { runId: row.id, log, result };
  } finally {
    executor.dispose();
  }
}
