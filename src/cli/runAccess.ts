import type { RunState } from '../core/runState.js';
import { takeLease } from '../engine/lease.js';
import type { RunRepository, RunRow } from '../store/runs.js';

/**
 * A run a command is about to change (resume, rollback): found by id or prefix and taken for this
 * process (its lease, atomically), so two processes never drive one run; while another live baton
 * holds it, a RunInUseError (exit code 2) names that baton. The state is read after the run is
 * taken, so it is never one that the previous owner was still adding to.
 */
export async function runToChange(runs: RunRepository, id: string, whatToDo: string): Promise<{ row: RunRow; state: RunState }> {
  const row = await runs.findRun(id);
  const lease = takeLease(runs.store, row.id, whatToDo);
  const state = runs.loadState(row.id);
  // Nothing drives a succeeded run on from here (a rollback of it takes the run again for its undo).
  if (state.status === 'succeeded') lease.release();
  return { row, state };
}
