import { BatonError } from '../core/errors.js';
import type { RunState } from '../core/runState.js';
import { ownerAlive } from '../engine/ownership.js';
import type { RunRepository, RunRow } from '../store/runs.js';

/**
 * A run a command is about to change (resume, rollback): found by id or prefix, and refused while
 * the baton that owns it is still alive, so two processes never drive one run.
 */
export async function runToChange(runs: RunRepository, id: string, whatToDo: string): Promise<{ row: RunRow; state: RunState }> {
  const row = await runs.findRun(id);
  const state = runs.loadState(row.id);
  if (state.status === 'running' && state.owner && ownerAlive(state.owner.pid, state.owner.host)) {
    throw new BatonError(`run ${row.id} is running in pid ${state.owner.pid} on ${state.owner.host}`, whatToDo, 1);
  }
  return { row, state };
}
