import { hostname } from 'node:os';
import type { ResolvedStep } from '../core/planCheck.js';
import type { RunState, StepState } from '../core/runState.js';
import { Masker } from '../core/secrets.js';
import { Slots } from '../core/slots.js';
import { runOutcome } from '../core/outcome.js';
import type { StepResult } from '../executors/executor.js';
import type { EventLog } from '../store/eventLog.js';
import type { StoredPlan } from '../store/runs.js';
import { notRunEvents } from './failures.js';
import { Alerts } from './alerts.js';
import { Breakers } from './breakers.js';
import type { Active, EngineDeps, EngineOptions } from './deps.js';
import { Groups } from './groups.js';
import { Starter } from './starter.js';
import { Outcomes } from './outcomes.js';
import { rollback, undoSpec } from './rollback.js';
import { orderQueue } from './queue.js';
import { walkQueue } from './queueWalk.js';
import { instanceStep } from './loops.js';
import { ProtocolRelay, type AttemptSetting } from './attempt.js';
import { allowedEnv, stepContext, type ContextInput } from './stepInputs.js';
import { runPaths, type RunPaths } from './workspace.js';
import { WorkspaceWatch } from './workspaceWatch.js';
import { StepControl, withCancelledSteps } from './stepControl.js';
import { takeLease, type Lease } from './lease.js';

/**
 * Runs one plan: starts ready steps within the limits (parallelism, agent slots, resources),
 * critical path first, and records every change through the run's EventLog. It holds no state
 * of its own that the log does not: resume builds a new engine over the folded log.
 */
export class RunEngine {
  private readonly steps: Map<string, ResolvedStep>;
  private readonly running = new Map<string, Active>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly slots: Slots;
  private readonly paths: RunPaths;
  private readonly baseEnv: Record<string, string>;
  private readonly budgetBase = new Map<string, number>();
  private readonly relay: ProtocolRelay;
  private readonly breakers: Breakers;
  private readonly setting: AttemptSetting;
  private readonly watch: WorkspaceWatch;
  /** Writes the run's secret values as *** in what steps hand back. */
  private readonly masker: Masker;
  private queue: string[] = [];
  private store: Record<string, unknown> = {};
  /** The step whose critical failure stopped the run; it is rolled back before the run ends. */
  private readonly alerts: Alerts;
  private readonly groups: Groups;
  private readonly starter: Starter;
  private readonly outcomes: Outcomes;
  private readonly control: StepControl;
  /** Steps this session still has to settle; their recorded status from an earlier session no longer counts. */
  private readonly toRun = new Set<string>();
  /** Steps whose primary failed for good and whose fallback runs instead. */
  private readonly inFallback = new Set<string>();
  private cancelReason: string | undefined;
  private finished = false;
  /** This process's hold on the run while it drives it (lease.ts). */
  private lease: Lease | undefined;
  private pumping = false;
  private pumpAgain = false;
  /** Steps were queued again: the queue is rebuilt, in priority order, before the next steps start. */
  private reorder = false;
  private resolveRun: ((state: RunState) => void) | undefined;
  private rejectRun: ((e: unknown) => void) | undefined;

  constructor(
    private readonly deps: EngineDeps,
    private readonly log: EventLog,
    private readonly stored: StoredPlan,
    private readonly opts: EngineOptions,
  ) {
    this.steps = new Map(stored.plan.steps.map((s) => [s.id, s]));
    // Instances of forEach steps expanded before a crash come back from the log.
    for (const id of log.state.order) {
      const loop = log.state.steps[id]?.loop;
      const parent = loop && this.steps.get(loop.parent);
      if (loop && parent) this.steps.set(id, instanceStep(parent, loop.item, loop.index));
    }
    this.slots = new Slots(deps.config.agents, { ...stored.plan.resources, ...deps.config.resources });
    this.paths = runPaths(deps.projectDir, log.state.id);
    this.watch = new WorkspaceWatch(this.paths, stored.source, (reason) => this.cancel(reason), () => this.finished);
    this.baseEnv = allowedEnv(deps.env, deps.config.envAllow);
    this.alerts = new Alerts({
      append: (e) => this.log.append(e),
      state: () => this.log.state,
      config: deps.config,
      runHook: (argv, env) => deps.runHook(argv, env),
      env: this.baseEnv,
      projectDir: deps.projectDir,
      stop: (reason) => this.cancel(reason),
    });
    this.groups = new Groups({
      append: (e) => this.log.append(e),
      state: () => this.log.state,
      steps: this.steps,
      toRun: this.toRun,
      budgetBase: this.budgetBase,
      context: (step) => this.context(step),
      settle: (id) => this.settle(id),
      inputFailure: (id, error) => this.recordInputFailure(id, error),
      succeeded: (step, outputs) => this.outcomes.afterSuccess(step, outputs),
    });
    this.masker = new Masker(Object.values(deps.secrets ?? {}));
    log.mask(this.masker);
    this.setting = { paths: this.paths, config: deps.config, projectDir: deps.projectDir, baseDir: stored.baseDir, baseEnv: this.baseEnv, secrets: this.masker.secrets };
    this.relay = new ProtocolRelay(log, deps.config.escalateAfter, (id, count) => this.alerts.escalate(id, `${count} warnings`));
    this.starter = new Starter({
      log,
      deps,
      relay: this.relay,
      setting: this.setting,
      running: this.running,
      inFallback: this.inFallback,
      context: (step) => this.context(step),
      ...(opts.onOutput ? { onOutput: opts.onOutput } : {}),
      mask: (line) => this.masker.text(line),
      release: (agent, step) => this.slots.release(agent, step.resources),
      inputFailure: (id, error) => this.recordInputFailure(id, error),
      onResult: (step, attempt, active, result) => this.onResult(step, attempt, active, result),
      fail: (e) => this.fail(e),
    });
    this.breakers = new Breakers(deps.breakers, deps.config.breaker, (e) => this.log.append(e));
    this.outcomes = new Outcomes({
      log,
      state: () => this.log.state,
      config: deps.config,
      paths: this.paths,
      variables: deps.variables,
      stored: (name, value) => {
        this.store[name] = value;
      },
      alerts: this.alerts,
      breakers: this.breakers,
      budgetBase: this.budgetBase,
      toRun: this.toRun,
      inFallback: this.inFallback,
      context: (step) => this.context(step),
      cancelled: () => this.cancelReason !== undefined,
      waitForRetry: (id, delayMs) => this.waitForRetry(id, delayMs),
    });
    this.control = new StepControl({
      append: (e) => this.log.append(e),
      state: () => this.log.state,
      steps: this.steps,
      running: this.running,
      timers: this.timers,
      toRun: this.toRun,
      budgetBase: this.budgetBase,
      inFallback: this.inFallback,
      runCancelled: () => this.cancelReason,
      finished: () => this.finished,
      settle: (id) => this.settle(id),
      requeue: () => {
        this.reorder = true;
      },
      pump: () => this.pump(),
    });
  }

  get state(): RunState {
    return this.log.state;
  }

  /** Runs (or resumes) to the end; resolves with the final state, whatever the outcome. */
  execute(mode: 'start' | 'resume'): Promise<RunState> {
    const state = this.state;
    this.lease = takeLease(this.log.store, state.id, 'wait for it to finish, or stop that baton').drive((e) => this.fail(e));
    const body = { pid: process.pid, host: hostname(), parallel: this.opts.parallel };
    this.log.append(mode === 'start' ? { type: 'run.started', ...body } : { type: 'run.resumed', ...body });
    this.log.flush();
    this.paths.prepare();
    this.watch.start(state.id);

    this.store = this.deps.variables.all();
    this.queue = orderQueue(this.stored.plan, state, this.steps, this.opts.history, this.opts.failureRates);
    for (const id of this.queue) {
      this.toRun.add(id);
      const s = state.steps[id] as StepState;
      this.budgetBase.set(id, s.status === 'retrying' ? Math.max(0, s.attempts.length - 1) : s.attempts.length);
      // A fallback interrupted by a crash goes on; a step that failed for good starts over from its primary.
      if (s.fallback === 'running' && s.status !== 'failed') this.inFallback.add(id);
      if (s.status === 'retrying' && s.retryAt !== undefined) this.waitForRetry(id, Math.max(0, s.retryAt - Date.now()));
    }

    return new Promise<RunState>((resolve, reject) => {
      this.resolveRun = resolve;
      this.rejectRun = reject;
      this.pump();
    });
  }

  /** Stops the run cleanly: running steps get SIGTERM (then SIGKILL), waiting retries are dropped. */
  cancel(reason = 'cancelled by the user'): void {
    if (this.finished) return;
    this.cancelReason ??= reason;
    for (const [id, timer] of this.timers) {
      clearTimeout(timer);
      this.timers.delete(id);
      this.log.append({ type: 'step.cancelled', step: id, reason });
    }
    for (const active of this.running.values()) active.handle?.cancel();
    this.pump();
  }

  /**
   * Cancels one step while the rest of the run goes on: a running one is stopped as cancel() stops
   * it, a waiting retry is dropped, a queued step never starts; the steps that need it are skipped.
   * Returns what happened, or why not, in a line for the user. Call it between the engine's turns
   * (a key press, a timer), not from inside an event subscriber.
   */
  cancelStep(id: string, reason = 'cancelled by the user'): string {
    return this.control.cancel(id, reason);
  }

  /**
   * Runs a step that failed for good or was cancelled again, with a fresh retry budget, and the
   * steps skipped for want of it after it. Returns what happened, or why not, in a line for the user.
   */
  retryStep(id: string): string {
    return this.control.retry(id);
  }

  /** Second Ctrl-C: no grace period. */
  kill(): void {
    this.cancel();
    for (const active of this.running.values()) active.handle?.kill();
  }

  private pump(): void {
    if (this.finished) return;
    // A step cancelled or retried while steps are being started (from an event subscriber) is seen on the next round.
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      this.watch.check();
      do {
        this.pumpAgain = false;
        // Skipping or failing a step can unblock others earlier in the queue: go round until still.
        while (this.cancelReason === undefined && this.startReady());
      } while (this.pumpAgain && !this.finished);
      if (this.running.size === 0 && this.timers.size === 0) this.finish();
    } catch (e) {
      this.fail(e);
    } finally {
      this.pumping = false;
    }
  }

  /** Starts what can start; true when it settled a step without starting it (skipped or failed). */
  private startReady(): boolean {
    if (this.reorder) {
      this.reorder = false;
      this.queue = orderQueue(this.stored.plan, this.state, this.steps, this.opts.history, this.opts.failureRates);
    }
    const { next, settled } = walkQueue({
      queue: this.queue,
      state: this.state,
      steps: this.steps,
      toRun: this.toRun,
      running: this.running,
      timers: this.timers,
      inFallback: this.inFallback,
      paths: this.paths,
      parallel: this.opts.parallel,
      groups: this.groups,
      breakers: this.breakers,
      slots: this.slots,
      starter: this.starter,
      append: (e) => this.log.append(e),
      drop: (id) => {
        this.settle(id);
        this.groups.skipUnstarted(id);
      },
      context: (step) => this.context(step),
      inputFailure: (id, error) => this.recordInputFailure(id, error),
    });
    this.queue = next;
    this.starter.launch();
    return settled;
  }

  /** The step is done for this session: succeeded, finally failed, skipped or cancelled. */
  private settle(id: string): void {
    this.toRun.delete(id);
  }

  private context(step?: ResolvedStep): ContextInput {
    const base = { plan: this.stored.plan, state: this.state, workspace: this.paths.workspace, env: this.baseEnv, store: this.store, secrets: this.deps.secrets ?? {} };
    return stepContext(base, step, (id) => this.steps.get(id));
  }

  private recordInputFailure(id: string, error: string): void {
    const attempt = (this.state.steps[id]?.attempts.length ?? 0) + 1;
    for (const e of notRunEvents(id, attempt, this.paths, error, 'permanent', 'bad input')) this.log.append(e);
  }

  private onResult(step: ResolvedStep, attempt: number, active: Active, result: StepResult): void {
    // After fail() the run is over and its store may be what failed: the steps it killed stay
    // running in the log, for resume to settle from their exit files.
    if (this.finished) return;
    const id = step.id;
    // Outputs reach downstream steps, exports and the store: a secret a step printed into one stops here.
    const r = this.masker.active ? { ...result, outputs: this.masker.deep(result.outputs) } : result;
    this.running.delete(id);
    this.slots.release(active.agent, step.resources);
    this.relay.reset(id);
    const byUser = this.control.takeCancel(id);
    // Stopped by the run's cancel or the user's cancel of this step: it did not fail, it was cancelled.
    const cancelled = r.cancelled ? (this.cancelReason ?? byUser) : undefined;
    try {
      this.settle(id);
      const viaFallback = this.inFallback.has(id);
      if (r.exitCode === 0 && !r.error && !r.timedOut && !r.cancelled) {
        this.breakers.outcome(step, active.agent, true);
        this.outcomes.success(this.steps.get(id) ?? step, attempt, r, viaFallback);
      } else if (cancelled !== undefined) {
        this.log.append({ type: 'step.cancelled', step: id, attempt, reason: cancelled });
      } else {
        this.outcomes.failure(step, attempt, r, viaFallback, active);
      }
    } catch (e) {
      this.fail(e);
      return;
    }
    this.pump();
  }

  /**
   * Undoes the completed steps after `to` (all, without it) in reverse order and restores the
   * workspace to the checkpoint there. Used by `baton rollback` and after a critical failure.
   */
  rollback(reason: string, to?: string): Promise<{ ok: boolean; undone: string[]; error?: string }> {
    // A rollback on its own (baton rollback) holds the run while it undoes; within a run, the run's lease covers it.
    const own = this.lease ? undefined : takeLease(this.log.store, this.state.id, 'wait for it to finish, or stop that baton').drive();
    return rollback(
      {
        log: this.log,
        steps: this.steps,
        paths: this.paths,
        executor: this.deps.executor,
        prepareUndo: (step) => undoSpec(step, this.context(step), this.setting),
      },
      reason,
      to,
    ).finally(() => own?.release());
  }

  private waitForRetry(id: string, delayMs: number): void {
    this.timers.set(
      id,
      setTimeout(() => {
        this.timers.delete(id);
        this.pump();
      }, delayMs),
    );
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    void this.conclude().finally(() => this.lease?.release()).then(
      () => (this.watch.gone ? this.rejectRun?.(this.watch.gone) : this.resolveRun?.(this.state)),
      (e: unknown) => this.rejectRun?.(e),
    );
  }

  /** The run's last words: a critical failure's rollback, the hooks still running, then the outcome. */
  private async conclude(): Promise<void> {
    let outcome = withCancelledSteps(runOutcome(this.state, (id) => this.steps.get(id)?.continueOnError ?? false, this.cancelReason), this.state);
    const critical = this.alerts.critical;
    if (critical !== undefined) {
      const result = await this.rollback(`${critical} failed with critical severity`);
      const how = result.ok ? `rolled back ${result.undone.length} step${result.undone.length === 1 ? '' : 's'}` : `rollback failed: ${result.error ?? ''}`;
      outcome = { type: 'run.finished', status: 'failed', reason: `${critical} failed (critical); ${how}` };
    }
    await this.alerts.settled();
    this.log.append(this.watch.outcome(outcome));
    this.log.flush();
  }

  /** A store failure (disk full, database gone): stop everything, then report. */
  private fail(e: unknown): void {
    if (this.finished) return;
    this.finished = true;
    for (const t of this.timers.values()) clearTimeout(t);
    for (const active of this.running.values()) active.handle?.kill();
    this.lease?.release();
    this.rejectRun?.(e);
  }
}
