import type { EventBody } from '../core/events.js';
import type { ResolvedStep } from '../core/planCheck.js';
import type { RunState, StepState } from '../core/runState.js';
import { didYouMean } from '../core/similar.js';
import type { Active } from './deps.js';

export interface StepControlDeps {
  append(e: EventBody): void;
  state(): RunState;
  steps: ReadonlyMap<string, ResolvedStep>;
  running: ReadonlyMap<string, Active>;
  timers: Map<string, NodeJS.Timeout>;
  /** Steps this session still has to settle. */
  toRun: Set<string>;
  budgetBase: Map<string, number>;
  inFallback: Set<string>;
  /** Why the whole run is being cancelled, if it is. */
  runCancelled(): string | undefined;
  finished(): boolean;
  settle(id: string): void;
  /** Puts steps back in toRun into the engine's queue, in priority order. */
  requeue(): void;
  pump(): void;
}

const LISTED = 8;

/**
 * What a user does to one step of a run in flight: cancel it while the rest goes on, or, once
 * it has failed or been cancelled, run it again with the steps that were skipped for want of it.
 * Steps that need a cancelled step are skipped by the engine's usual rule (blockedBy).
 */
export class StepControl {
  /** Running steps the user cancelled: their end is recorded as cancelled, not as a failure. */
  private readonly cancels = new Map<string, string>();

  constructor(private readonly d: StepControlDeps) {}

  /** Why the user cancelled this running step, if they did; forgets it, as its attempt has ended. */
  takeCancel(id: string): string | undefined {
    const reason = this.cancels.get(id);
    this.cancels.delete(id);
    return reason;
  }

  cancel(id: string, reason: string): string {
    const refused = this.refuseWhileClosing('nothing of it is left to cancel') ?? this.refuseUnknown(id);
    if (refused !== undefined) return refused;
    const s = this.d.state().steps[id] as StepState;
    const active = this.d.running.get(id);
    if (!active && !this.d.toRun.has(id)) return `${id} has already ended (${s.status}): nothing to cancel${s.status === 'failed' ? '; retry it to run it again' : ''}`;
    const group = this.refuseGroup(id, 'cancel');
    if (group !== undefined) return group;
    if (active) {
      const attempt = `${id} (attempt ${s.attempts.length})`;
      if (this.cancels.has(id)) return `already cancelling ${attempt}`;
      this.cancels.set(id, reason);
      // A step started in this very turn has no process yet: the starter stops it once it has one.
      if (active.handle) active.handle.cancel();
      else active.cancelRequested = true;
      return `cancelling ${attempt}`;
    }
    const timer = this.d.timers.get(id);
    const next = s.attempts.length + 1;
    const what = timer ? `it was waiting to retry as attempt ${next}` : next > 1 ? `it was queued for attempt ${next}` : 'it had not started';
    if (timer) {
      clearTimeout(timer);
      this.d.timers.delete(id);
    }
    this.d.append({ type: 'step.cancelled', step: id, reason });
    this.d.inFallback.delete(id);
    this.d.settle(id);
    this.d.pump();
    return `cancelled ${id} (${what})`;
  }

  retry(id: string): string {
    const refused = this.refuseWhileClosing(`resume it to run ${id} again`) ?? this.refuseUnknown(id) ?? this.refuseGroup(id, 'retry') ?? this.refuseRetry(id);
    if (refused !== undefined) return refused;
    const state = this.d.state();
    const attempt = (state.steps[id] as StepState).attempts.length + 1;
    const queued = new Map<string, string>([[id, 'retried by the user']]);
    // A member's forEach or `uses` step ended with it; it has to finish again once the member has.
    for (let member = id, parent = this.parentOf(id); parent !== undefined; member = parent, parent = this.parentOf(parent)) {
      const p = state.steps[parent];
      if (this.d.toRun.has(parent) || (p?.status !== 'failed' && p?.status !== 'cancelled')) break;
      queued.set(parent, `its step ${member} runs again`);
    }
    const dependents = this.skippedFor(queued);
    for (const [step, reason] of queued) {
      this.d.append({ type: 'step.requeued', step, reason });
      this.d.toRun.add(step);
      // A fresh retry budget: the attempts so far do not count against it.
      this.d.budgetBase.set(step, state.steps[step]?.attempts.length ?? 0);
      this.d.inFallback.delete(step);
    }
    this.d.requeue();
    this.d.pump();
    const after = dependents.length ? `; then ${listed(dependents)}` : '';
    return `retrying ${id} as attempt ${attempt}${after}`;
  }

  private refuseWhileClosing(instead: string): string | undefined {
    const run = this.d.state().id;
    if (this.d.finished()) return `run ${run} has finished: ${instead}`;
    if (this.d.runCancelled() !== undefined) return `run ${run} is being cancelled: ${instead}`;
    return undefined;
  }

  private refuseUnknown(id: string): string | undefined {
    const state = this.d.state();
    if (state.steps[id]) return undefined;
    const hint = didYouMean(id, state.order);
    return `run ${state.id} has no step "${id}"${hint ? ` (${hint})` : `; its steps: ${listed(state.order)}`}`;
  }

  /** A forEach step or `uses` step is as done as its members: those are what one cancels or retries. */
  private refuseGroup(id: string, verb: 'cancel' | 'retry'): string | undefined {
    const step = this.d.steps.get(id);
    const members = this.d.state().steps[id]?.instances;
    if (verb === 'retry' && !members) return undefined;
    const kind = step?.template ? 'runs a nested workflow' : step?.forEach !== undefined ? 'is a forEach step' : undefined;
    if (kind === undefined) return undefined;
    const whole = verb === 'cancel' ? ', or cancel the whole run (Ctrl-C)' : '';
    if (!members) return `${id} ${kind} that has not started: ${verb} its steps once it has${whole}`;
    const candidates = verb === 'retry' ? members.filter((m) => this.retryable(m)) : members.filter((m) => this.d.toRun.has(m));
    if (candidates.length === 0) return `${id} ${kind}, and none of its steps can be ${verb === 'retry' ? 'retried' : 'cancelled'} now`;
    return `${id} ${kind}: ${verb} its steps one at a time (${listed(candidates)})${whole}`;
  }

  private refuseRetry(id: string): string | undefined {
    if (this.retryable(id)) return undefined;
    const s = this.d.state().steps[id] as StepState;
    const only = 'only a step that failed or was cancelled can be retried';
    if (this.d.running.has(id)) return `${id} is running (attempt ${s.attempts.length}): ${only}`;
    if (this.d.timers.has(id)) return `${id} is already waiting to retry as attempt ${s.attempts.length + 1}`;
    if (this.d.toRun.has(id)) return `${id} is already queued to run as attempt ${s.attempts.length + 1}`;
    if (s.status === 'succeeded') return `${id} has already succeeded: nothing to retry`;
    if (s.status === 'skipped') {
      const root = this.rootCause(id);
      if (root === undefined) return `${id} was skipped (${s.reason ?? 'by its condition'}): ${only}`;
      return `${id} was skipped (${s.reason ?? ''}): retry ${root}, and ${id} runs after it`;
    }
    return `${id} is ${s.status}: ${only}`;
  }

  private retryable(id: string): boolean {
    const status = this.d.state().steps[id]?.status;
    return !this.d.toRun.has(id) && !this.d.running.has(id) && (status === 'failed' || status === 'cancelled');
  }

  /** The step a skipped step was waiting for, followed through other skipped steps, if it failed or was cancelled. */
  private rootCause(id: string): string | undefined {
    const state = this.d.state();
    const seen = new Set<string>();
    let at: string | undefined = id;
    while (at !== undefined && !seen.has(at)) {
      seen.add(at);
      const s: StepState | undefined = state.steps[at];
      if (s?.status !== 'skipped') return at !== id && this.retryable(at) ? at : undefined;
      at = this.skippedBecauseOf(at);
    }
    return undefined;
  }

  /** The step whose end skipped this one: a need that did not succeed, or a workflow that never started. */
  private skippedBecauseOf(id: string): string | undefined {
    const s = this.d.state().steps[id];
    const reason = s?.status === 'skipped' ? s.reason : undefined;
    if (reason === undefined) return undefined;
    const need = this.d.steps.get(id)?.needs.find((n) => reason.startsWith(`needs ${n}, `));
    if (need !== undefined) return need;
    const group = /^its workflow (.+) did not run$/.exec(reason)?.[1];
    return group !== undefined && this.d.state().steps[group] ? group : undefined;
  }

  /** Adds the steps skipped for want of a queued one, transitively, to `queued`; returns them. */
  private skippedFor(queued: Map<string, string>): string[] {
    const state = this.d.state();
    const added: string[] = [];
    for (let grew = true; grew; ) {
      grew = false;
      for (const id of state.order) {
        if (queued.has(id) || this.d.toRun.has(id)) continue;
        const cause = this.skippedBecauseOf(id);
        if (cause === undefined || !queued.has(cause)) continue;
        queued.set(id, `waits again for ${cause}`);
        added.push(id);
        grew = true;
      }
    }
    return added;
  }

  private parentOf(id: string): string | undefined {
    const step = this.d.steps.get(id);
    return step?.loop?.parent ?? step?.scope?.group;
  }
}

/**
 * A run whose steps all succeeded but for ones the user cancelled has not done its work: it ends
 * cancelled, so that resume (which refuses a succeeded run) runs them. A forEach instance or
 * nested step counts through its parent, which fails when a member was cancelled.
 */
export function withCancelledSteps(outcome: Extract<EventBody, { type: 'run.finished' }>, state: RunState): Extract<EventBody, { type: 'run.finished' }> {
  if (outcome.status !== 'succeeded' && outcome.status !== 'degraded') return outcome;
  const cancelled = state.order.filter((id) => state.steps[id]?.status === 'cancelled' && !state.steps[id]?.loop && !id.includes('.'));
  if (cancelled.length === 0) return outcome;
  const skipped = state.order.filter((id) => !id.includes('.') && state.steps[id]?.status === 'skipped' && state.steps[id]?.reason?.startsWith('needs '));
  return { type: 'run.finished', status: 'cancelled', reason: `${cancelled.join(', ')} cancelled${skipped.length ? `; missing: ${skipped.join(', ')}` : ''}` };
}

function listed(ids: readonly string[]): string {
  return ids.length > LISTED ? `${ids.slice(0, LISTED).join(', ')}, … ${ids.length - LISTED} more` : ids.join(', ');
}
