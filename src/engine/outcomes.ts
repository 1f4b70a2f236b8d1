import { errorMessage } from '../core/errors.js';
import type { ResolvedStep } from '../core/planCheck.js';
import type { StepState, RunState } from '../core/runState.js';
import type { StepResult } from '../executors/executor.js';
import type { Config } from '../registry/config.js';
import type { EventLog } from '../store/eventLog.js';
import type { Alerts } from './alerts.js';
import type { Breakers } from './breakers.js';
import { saveCheckpoint } from './checkpoints.js';
import type { Active, VariableStore } from './deps.js';
import { classifyFailure, describeFailure, nextAfterFailure, readLogTail } from './failures.js';
import { exportedValues, untilDecision } from './loops.js';
import { expressionContext, type ContextInput } from './stepInputs.js';
import type { RunPaths } from './workspace.js';

export interface OutcomeDeps {
  log: EventLog;
  state(): RunState;
  config: Config;
  paths: RunPaths;
  variables: VariableStore;
  /** Tells the engine a variable this run exported, for the expressions after it. */
  stored(name: string, value: unknown): void;
  alerts: Alerts;
  breakers: Breakers;
  budgetBase: Map<string, number>;
  toRun: Set<string>;
  inFallback: Set<string>;
  context(step: ResolvedStep): ContextInput;
  cancelled(): boolean;
  waitForRetry(id: string, delayMs: number): void;
}

/**
 * What an ended attempt leads to. A success may loop again (until), then exports its variables
 * and saves its checkpoint; a failure is classified and heals, retries, falls back or stands.
 */
export class Outcomes {
  constructor(private readonly d: OutcomeDeps) {}

  success(step: ResolvedStep, attempt: number, r: StepResult, viaFallback: boolean): void {
    const id = step.id;
    let note: string | undefined;
    if (step.until !== undefined && !viaFallback) {
      let decision;
      try {
        decision = untilDecision(step, this.d.state().steps[id] as StepState, r.outputs, expressionContext(this.d.context(step)));
      } catch (e) {
        const error = `until: ${errorMessage(e)}`;
        this.d.log.append({ type: 'step.failed', step: id, attempt, exitCode: 0, signal: null, error, durationMs: r.durationMs, errorClass: 'permanent', errorReason: 'bad expression' });
        return;
      }
      if (decision.again) {
        this.d.log.append({ type: 'step.iterated', step: id, attempt, iteration: decision.iteration, outputs: r.outputs, until: step.until });
        // Each iteration has the whole retry budget.
        this.d.budgetBase.set(id, attempt);
        this.d.toRun.add(id);
        return;
      }
      note = decision.note;
    }
    const e = { type: 'step.succeeded' as const, step: id, attempt, outputs: r.outputs, durationMs: r.durationMs };
    this.d.log.append({ ...e, ...(viaFallback ? { viaFallback } : {}), ...(note !== undefined ? { note } : {}) });
    this.afterSuccess(step, r.outputs);
  }

  /** What a step does once it has succeeded: set the variables it exports, save its checkpoint. */
  afterSuccess(step: ResolvedStep, outputs: Record<string, unknown>): void {
    const values = exportedValues(step, outputs, expressionContext(this.d.context(step)));
    if (values) {
      for (const [name, value] of Object.entries(values)) {
        this.d.variables.set(name, value, this.d.state().id);
        this.d.stored(name, value);
      }
      this.d.log.append({ type: 'step.exported', step: step.id, values });
    }
    if (!step.checkpoint) return;
    const path = this.d.paths.checkpointDir(step.id);
    saveCheckpoint(this.d.paths.workspace, path);
    this.d.log.append({ type: 'step.checkpointed', step: step.id, path });
  }

  /** Records a failed attempt with its class, then heals, retries, falls back, or lets it stand. */
  failure(step: ResolvedStep, attempt: number, r: StepResult, viaFallback: boolean, active: Active): void {
    const id = step.id;
    const error = describeFailure(r, active.timeoutMs);
    const tail = readLogTail(this.d.paths.attemptFile(id, attempt, 'log'));
    const c = classifyFailure(step, r, tail, this.d.config);
    const severity = this.d.alerts.severityOf(step, c.class);
    this.d.log.append({ type: 'step.failed', step: id, attempt, exitCode: r.exitCode, signal: r.signal, error, durationMs: r.durationMs, errorClass: c.class, errorReason: c.reason, severity });
    this.d.breakers.outcome(step, active.agent, false, c.class);
    if (this.d.cancelled() || viaFallback) return;
    const used = attempt - (this.d.budgetBase.get(id) ?? 0);
    const { next, suggestion } = nextAfterFailure(step, this.d.state().steps[id], attempt, used, r, c.class, tail, this.d.config, active);
    if (suggestion) this.d.log.append(suggestion);
    if (next.kind === 'heal') {
      this.d.log.append(next.event);
      // A healed step gets its retry budget afresh: the failure was of the plan's making, not the step's.
      this.d.budgetBase.set(id, attempt);
      this.d.toRun.add(id);
    } else if (next.kind === 'retry') {
      this.d.log.append({ type: 'step.retrying', step: id, nextAttempt: attempt + 1, delayMs: next.delayMs, retryAt: Date.now() + next.delayMs });
      // Durable at once: a wait can be long, and a resume must see it to keep the countdown.
      this.d.log.flush();
      this.d.toRun.add(id);
      this.d.waitForRetry(id, next.delayMs);
    } else if (next.kind === 'fallback') {
      this.d.log.append({ type: 'step.fallback', step: id, to: next.to });
      this.d.inFallback.add(id);
      this.d.toRun.add(id);
    } else {
      this.d.alerts.failedForGood(id, severity, error);
    }
  }
}
