import type { EventBody } from './events.js';
import type { RunState } from './runState.js';

/**
 * How a run ends, from its steps: cancelled if the user stopped it, failed if a step failed that
 * the run could not do without, degraded if only `continueOnError` steps failed (with what is
 * missing because of them), else succeeded. A forEach instance counts through its forEach step, and
 * a nested workflow's step (`<uses step>.<id>`) through its `uses` step.
 */
export function runOutcome(state: RunState, canFail: (id: string) => boolean, cancelReason?: string): Extract<EventBody, { type: 'run.finished' }> {
  if (cancelReason !== undefined) return { type: 'run.finished', status: 'cancelled', reason: cancelReason };
  const failed = state.order.filter((id) => state.steps[id]?.status === 'failed' && !state.steps[id]?.loop && !id.includes('.'));
  const hard = failed.filter((id) => !canFail(id));
  if (hard.length > 0) return { type: 'run.finished', status: 'failed', reason: `${hard.join(', ')} failed` };
  if (failed.length === 0) return { type: 'run.finished', status: 'succeeded' };
  const missing = state.order.filter((id) => !id.includes('.') && state.steps[id]?.status === 'skipped' && state.steps[id]?.reason?.startsWith('needs '));
  return { type: 'run.finished', status: 'degraded', reason: `${failed.join(', ')} failed (continueOnError)${missing.length ? `; missing: ${missing.join(', ')}` : ''}` };
}
