import { hostname } from 'node:os';
import { errorMessage, ExpressionError } from '../core/errors.js';
import { evaluateCondition, substituteDeep } from '../core/expressions.js';
import type { ResolvedStep } from '../core/planCheck.js';
import { retryDelay, shouldRetry } from '../core/retry.js';
import type { RunState, StepState } from '../core/runState.js';
import { Slots } from '../core/slots.js';
import { runOutcome } from '../core/outcome.js';
import type { Severity } from '../core/plan.js';
import { defaultSeverity, SEVERITY_RANK } from '../core/severity.js';
import type { ErrorClass } from '../core/failure.js';
import type { Executor, RunningStep, StepResult, StepSpec } from '../executors/executor.js';
import type { Config } from '../registry/config.js';
import type { EventLog } from '../store/eventLog.js';
import type { StoredPlan } from '../store/runs.js';
import { classifyFailure, describeFailure, readLogTail, remedyFor } from './failures.js';
import { Breakers, type BreakerBook } from './breakers.js';
import { saveCheckpoint } from './checkpoints.js';
import { rollback } from './rollback.js';
import { blockedBy, needsMet, orderQueue } from './queue.js';
import { forEachItems, forEachResult, groupParams, groupResult, instanceStep, untilDecision, withOverrides } from './loops.js';
import { prepareAttempt, ProtocolRelay, type AttemptSetting } from './attempt.js';
import { allowedEnv, expressionContext, StepInputError, type ContextInput } from './stepInputs.js';
import { runPaths, type RunPaths } from './workspace.js';

export interface EngineDeps {
  executor: Executor;
  config: Config;
  projectDir: string;
  /** Baton's own environment; steps see only the allowlisted part of it. */
  env: NodeJS.ProcessEnv;
  /** Cross-workflow variables, kept by the store. */
  variables: VariableStore;
  /** Circuit breakers, kept by the store across runs. */
  breakers: BreakerBook;
  /** Runs a notification hook (argv) with the event in its environment. */
  runHook(argv: readonly string[], env: Record<string, string>): Promise<{ exitCode: number | null; error?: string }>;
}

export interface VariableStore {
  all(): Record<string, unknown>;
  set(name: string, value: unknown, runId: string): void;
}

export interface EngineOptions {
  parallel: number;
  /** Every line of every step's output, for a live view (the log file has them all too). */
  onOutput?: (step: string, line: string) => void;
  /** Mean past duration per command (ms), for critical-path priorities. */
  history: ReadonlyMap<string, number>;
}

interface Active {
  /** Set once the process is launched, right after its start is recorded. */
  handle?: RunningStep;
  agent: string;
  resources: readonly string[];
  /** The attempt's arguments and timeout, as self-healing may change them. */
  args: Record<string, unknown>;
  timeoutMs: number | undefined;
}


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
  private queue: string[] = [];
  private launches: (() => void)[] = [];
  private store: Record<string, unknown> = {};
  /** The step whose critical failure stopped the run; it is rolled back before the run ends. */
  private critical: string | undefined;
  private readonly hookRuns: Promise<void>[] = [];
  private readonly warnings = new Map<string, number>();
  /** Steps this session still has to settle; their recorded status from an earlier session no longer counts. */
  private readonly toRun = new Set<string>();
  /** Steps whose primary failed for good and whose fallback runs instead. */
  private readonly inFallback = new Set<string>();
  private cancelReason: string | undefined;
  private finished = false;
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
    this.baseEnv = allowedEnv(deps.env, deps.config.envAllow);
    this.relay = new ProtocolRelay(log, deps.config.escalateAfter, (id, count) => this.escalate(id, `${count} warnings`));
    this.breakers = new Breakers(deps.breakers, deps.config.breaker, (e) => this.log.append(e));
    this.setting = { paths: this.paths, config: deps.config, projectDir: deps.projectDir, baseDir: stored.baseDir, baseEnv: this.baseEnv };
  }

  get state(): RunState {
    return this.log.state;
  }

  /** Runs (or resumes) to the end; resolves with the final state, whatever the outcome. */
  execute(mode: 'start' | 'resume'): Promise<RunState> {
    const state = this.state;
    const body = { pid: process.pid, host: hostname(), parallel: this.opts.parallel };
    this.log.append(mode === 'start' ? { type: 'run.started', ...body } : { type: 'run.resumed', ...body });
    this.log.flush();
    this.paths.prepare();

    this.store = this.deps.variables.all();
    this.queue = orderQueue(this.stored.plan, state, this.steps, this.opts.history);
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

  /** Second Ctrl-C: no grace period. */
  kill(): void {
    this.cancel();
    for (const active of this.running.values()) active.handle?.kill();
  }

  private pump(): void {
    if (this.finished) return;
    try {
      // Skipping or failing a step can unblock others earlier in the queue: go round until still.
      while (this.cancelReason === undefined && this.startReady());
      if (this.running.size === 0 && this.timers.size === 0) this.finish();
    } catch (e) {
      this.fail(e);
    }
  }

  /** Starts what can start; true when it settled a step without starting it (skipped or failed). */
  private startReady(): boolean {
    const state = this.state;
    let settled = false;
    const next: string[] = [];
    const drop = (id: string) => {
      this.settle(id);
      this.skipUnstartedWorkflow(id);
      settled = true;
    };
    for (const id of this.queue) {
      if (!this.toRun.has(id)) continue;
      if (this.running.has(id) || this.timers.has(id)) {
        next.push(id);
        continue;
      }
      const primary = this.steps.get(id) as ResolvedStep;
      const instances = state.steps[id]?.instances;
      if (instances) {
        // An expanded forEach step, or a started nested workflow, is done when all its steps are.
        if (instances.some((i) => this.toRun.has(i))) next.push(id);
        else {
          this.finishGroup(primary, instances);
          drop(id);
        }
        continue;
      }
      // A nested workflow's steps wait for their `uses` step to start it.
      if (primary.scope && !state.steps[primary.scope.group]?.instances) {
        next.push(id);
        continue;
      }
      const step = this.inFallback.has(id) ? (primary.fallbackStep ?? primary) : primary;
      const blocked = blockedBy(step, this.state, this.toRun);
      if (blocked !== undefined) {
        const status = state.steps[blocked]?.status ?? 'failed';
        this.log.append({ type: 'step.skipped', step: id, reason: `needs ${blocked}, which ${status === 'skipped' ? 'was skipped' : status}` });
        drop(id);
        continue;
      }
      if (!needsMet(step, this.state, this.toRun)) {
        next.push(id);
        continue;
      }
      if (step.if !== undefined && !this.conditionHolds(step)) {
        drop(id);
        continue;
      }
      if (step.template) {
        if (this.enterWorkflow(step)) {
          next.push(id);
          settled = true;
        } else drop(id);
        continue;
      }
      if (step.forEach !== undefined) {
        const ids = this.expand(step);
        if (ids === undefined) drop(id);
        else {
          next.push(id, ...ids);
          settled = true;
        }
        continue;
      }
      if (this.running.size >= this.opts.parallel) {
        next.push(id);
        continue;
      }
      const open = this.breakers.commandBlocked(step) ?? this.breakers.allAgentsOpen(this.slots.capable(step));
      if (open !== undefined) {
        if (!this.failFast(step, open)) drop(id);
        else {
          next.push(id);
          settled = true;
        }
        continue;
      }
      const need = { capability: step.capability, agent: step.agent, preferred: step.def?.agent, resources: step.resources };
      const agent = this.slots.acquire(need, (a) => this.breakers.agentUsable(a));
      if (agent === undefined) next.push(id);
      else {
        this.breakers.useAgent(agent);
        if (this.startStep(step, agent)) next.push(id);
        else drop(id);
      }
    }
    this.queue = next;
    if (this.launches.length > 0) {
      // Durable before the processes exist, so a crash from here on leaves a trail resume can follow.
      this.log.flush();
      const launches = this.launches;
      this.launches = [];
      for (const launch of launches) launch();
    }
    return settled;
  }

  /** Expands a forEach step into its instances; undefined when its items cannot be had. */
  private expand(step: ResolvedStep): string[] | undefined {
    let items: unknown[];
    try {
      items = forEachItems(step, expressionContext(this.context(step)));
    } catch (e) {
      this.recordInputFailure(step.id, `forEach: ${errorMessage(e)}`);
      return undefined;
    }
    this.log.append({ type: 'step.expanded', step: step.id, items });
    const ids = items.map((item, index) => {
      const instance = instanceStep(step, item, index);
      this.steps.set(instance.id, instance);
      this.toRun.add(instance.id);
      this.budgetBase.set(instance.id, 0);
      return instance.id;
    });
    return ids;
  }

  /** Starts a `uses` step's nested workflow: its parameters, evaluated in the caller's scope, are recorded for its steps. */
  private enterWorkflow(step: ResolvedStep): boolean {
    let params: Record<string, unknown>;
    try {
      params = groupParams(step, substituteDeep(step.with, expressionContext(this.context(step))) as Record<string, unknown>);
    } catch (e) {
      this.recordInputFailure(step.id, `with: ${errorMessage(e)}`);
      return false;
    }
    this.log.append({ type: 'step.grouped', step: step.id, children: step.template?.children ?? [], params });
    return true;
  }

  /** A `uses` step that never started its workflow (skipped, or bad parameters) takes its steps with it. */
  private skipUnstartedWorkflow(id: string): void {
    const step = this.steps.get(id);
    if (!step?.template || this.state.steps[id]?.instances) return;
    for (const child of this.state.order.filter((c) => c.startsWith(`${id}.`) && this.toRun.has(c))) {
      this.log.append({ type: 'step.skipped', step: child, reason: `its workflow ${id} did not run` });
      this.settle(child);
    }
  }

  private finishGroup(parent: ResolvedStep, members: readonly string[]): void {
    const states = members.map((i) => this.state.steps[i]).filter((s): s is StepState => s !== undefined);
    const self = this.state.steps[parent.id] as StepState;
    const result = parent.template
      ? groupResult(self, states, () => substituteDeep(parent.template?.outputs ?? {}, expressionContext(this.context({ ...parent, scope: { group: parent.id } }))) as Record<string, unknown>, (c) => this.steps.get(c)?.continueOnError ?? false, Date.now())
      : forEachResult(self, states, Date.now());
    this.log.append(result);
    if (result.type === 'step.succeeded') this.afterSuccess(parent, result.outputs);
  }

  /** Sets the cross-workflow variables a step exports, once it has succeeded. */
  private exportVariables(step: ResolvedStep, outputs: Record<string, unknown>): void {
    if (Object.keys(step.export).length === 0) return;
    const ctx = expressionContext(this.context(step));
    const steps = { ...(ctx.steps as Record<string, unknown>), [step.id]: { outputs, status: 'succeeded' } };
    const values = substituteDeep(step.export, { ...ctx, steps }) as Record<string, unknown>;
    for (const [name, value] of Object.entries(values)) {
      this.deps.variables.set(name, value, this.state.id);
      this.store[name] = value;
    }
    this.log.append({ type: 'step.exported', step: step.id, values });
  }

  /** The step is done for this session: succeeded, finally failed, skipped or cancelled. */
  private settle(id: string): void {
    this.toRun.delete(id);
  }

  /** Evaluates `if:`; a false condition skips the step, an error fails it. */
  private conditionHolds(step: ResolvedStep): boolean {
    const expression = step.if as string;
    let holds: boolean;
    try {
      holds = evaluateCondition(expression, expressionContext(this.context(step)));
    } catch (e) {
      this.recordInputFailure(step.id, `if: ${errorMessage(e)}`);
      return false;
    }
    if (!holds) this.log.append({ type: 'step.skipped', step: step.id, reason: `if: ${expression} was false` });
    return holds;
  }

  private context(step?: ResolvedStep): ContextInput {
    const input: ContextInput = { plan: this.stored.plan, state: this.state, workspace: this.paths.workspace, env: this.baseEnv, store: this.store };
    const group = step?.scope && this.steps.get(step.scope.group);
    if (group?.template) input.group = { prefix: `${group.id}.`, vars: group.template.vars, params: this.state.steps[group.id]?.params ?? {} };
    if (step?.loop) input.scope = { item: step.loop.item, index: step.loop.index };
    if (step?.until !== undefined) {
      const s = this.state.steps[step.id];
      input.scope = { iteration: (s?.iteration ?? 0) + 1, previous: s?.outputs ?? {} };
    }
    return input;
  }

  private recordInputFailure(id: string, error: string): void {
    const attempt = (this.state.steps[id]?.attempts.length ?? 0) + 1;
    const paths = this.paths;
    this.log.append({ type: 'step.started', step: id, attempt, agent: '-', workdir: paths.stepDir(id), logPath: paths.attemptFile(id, attempt, 'log') });
    this.log.append({ type: 'step.failed', step: id, attempt, exitCode: null, signal: null, error, durationMs: 0, errorClass: 'permanent', errorReason: 'bad input' });
  }

  /**
   * A step whose circuit is open fails at once, without running; its fallback, if it has one,
   * runs instead (true: the step stays queued for it).
   */
  private failFast(step: ResolvedStep, why: string): boolean {
    const id = step.id;
    const attempt = (this.state.steps[id]?.attempts.length ?? 0) + 1;
    this.log.append({ type: 'step.started', step: id, attempt, agent: '-', workdir: this.paths.stepDir(id), logPath: this.paths.attemptFile(id, attempt, 'log') });
    this.log.append({ type: 'step.failed', step: id, attempt, exitCode: null, signal: null, error: why, durationMs: 0, errorClass: 'transient', errorReason: 'circuit open' });
    const primary = this.steps.get(id);
    if (this.inFallback.has(id) || !primary?.fallbackStep) return false;
    this.log.append({ type: 'step.fallback', step: id, to: primary.fallbackStep.command ?? primary.fallbackStep.estimateKey });
    this.inFallback.add(id);
    return true;
  }

  /** False when the step failed before it could start (bad inputs). */
  private startStep(step: ResolvedStep, agent: string): boolean {
    const id = step.id;
    const attempt = (this.state.steps[id]?.attempts.length ?? 0) + 1;
    let prepared: { spec: StepSpec; args: Record<string, unknown> };
    try {
      prepared = prepareAttempt(withOverrides(step, this.state.steps[id]?.overrides), this.context(step), attempt, this.setting);
    } catch (e) {
      this.slots.release(agent, step.resources);
      if (e instanceof StepInputError || e instanceof ExpressionError) {
        this.recordInputFailure(id, errorMessage(e));
        return false;
      }
      throw e;
    }
    const { spec } = prepared;
    const started = { type: 'step.started' as const, step: id, attempt, agent, workdir: spec.cwd, logPath: spec.logPath };
    this.log.append(this.inFallback.has(id) ? { ...started, fallback: true } : started);
    const active: Active = { agent, resources: step.resources, args: prepared.args, timeoutMs: spec.timeoutMs };
    this.running.set(id, active);
    // Launched by startReady once the started events are durable (one transaction for the batch).
    this.launches.push(() => {
      const handle = this.deps.executor.start(spec, {
        onSpawn: (pid) => this.log.append({ type: 'step.spawned', step: id, attempt, pid }),
        onLine: (line) => {
          this.relay.line(id, attempt, line);
          this.opts.onOutput?.(id, line);
        },
      });
      active.handle = handle;
      handle.result.then(
        (result) => this.onResult(step, attempt, active, result),
        (e: unknown) => this.fail(e),
      );
    });
    return true;
  }

  private onResult(step: ResolvedStep, attempt: number, active: Active, r: StepResult): void {
    const id = step.id;
    this.running.delete(id);
    this.slots.release(active.agent, step.resources);
    this.relay.reset(id);
    try {
      this.settle(id);
      const viaFallback = this.inFallback.has(id);
      if (r.exitCode === 0 && !r.error && !r.timedOut && !r.cancelled) {
        this.breakers.outcome(step, active.agent, true);
        this.onSuccess(this.steps.get(id) ?? step, attempt, r, viaFallback);
      } else if (r.cancelled && this.cancelReason !== undefined) {
        this.log.append({ type: 'step.cancelled', step: id, attempt, reason: this.cancelReason });
      } else {
        this.onFailure(step, attempt, r, viaFallback, active);
      }
    } catch (e) {
      this.fail(e);
      return;
    }
    this.pump();
  }

  private onSuccess(step: ResolvedStep, attempt: number, r: StepResult, viaFallback: boolean): void {
    const id = step.id;
    let note: string | undefined;
    if (step.until !== undefined && !viaFallback) {
      let decision;
      try {
        decision = untilDecision(step, this.state.steps[id] as StepState, r.outputs, expressionContext(this.context(step)));
      } catch (e) {
        const error = `until: ${errorMessage(e)}`;
        this.log.append({ type: 'step.failed', step: id, attempt, exitCode: 0, signal: null, error, durationMs: r.durationMs, errorClass: 'permanent', errorReason: 'bad expression' });
        return;
      }
      if (decision.again) {
        this.log.append({ type: 'step.iterated', step: id, attempt, iteration: decision.iteration, outputs: r.outputs, until: step.until });
        // Each iteration has the whole retry budget.
        this.budgetBase.set(id, attempt);
        this.toRun.add(id);
        return;
      }
      note = decision.note;
    }
    const e = { type: 'step.succeeded' as const, step: id, attempt, outputs: r.outputs, durationMs: r.durationMs };
    this.log.append({ ...e, ...(viaFallback ? { viaFallback } : {}), ...(note !== undefined ? { note } : {}) });
    this.afterSuccess(step, r.outputs);
  }

  /** What a step does once it has succeeded: set the variables it exports, save its checkpoint. */
  private afterSuccess(step: ResolvedStep, outputs: Record<string, unknown>): void {
    this.exportVariables(step, outputs);
    if (!step.checkpoint) return;
    const path = this.paths.checkpointDir(step.id);
    saveCheckpoint(this.paths.workspace, path);
    this.log.append({ type: 'step.checkpointed', step: step.id, path });
  }

  /** Records a failed attempt with its class, then heals, retries, falls back, or lets it stand. */
  private onFailure(step: ResolvedStep, attempt: number, r: StepResult, viaFallback: boolean, active: Active): void {
    const id = step.id;
    const error = describeFailure(r, active.timeoutMs);
    const tail = readLogTail(this.paths.attemptFile(id, attempt, 'log'));
    const c = classifyFailure(step, r, tail, this.deps.config);
    // A step once escalated stays an error; otherwise its declared severity, or its failure's.
    let severity = step.severity ?? (this.state.steps[id]?.escalations?.length ? 'error' : defaultSeverity(c.class));
    if (severity === 'warning') {
      const n = (this.warnings.get(id) ?? 0) + 1;
      this.warnings.set(id, n);
      if (n >= this.deps.config.escalateAfter) severity = this.escalate(id, `${n} failed attempts in a row`);
    }
    this.log.append({ type: 'step.failed', step: id, attempt, exitCode: r.exitCode, signal: r.signal, error, durationMs: r.durationMs, errorClass: c.class, errorReason: c.reason, severity });
    this.breakers.outcome(step, active.agent, false, c.class);
    if (this.cancelReason !== undefined || viaFallback) return;
    if (this.heal(step, attempt, r, c.class, tail, active)) return;
    const used = attempt - (this.budgetBase.get(id) ?? 0);
    if (shouldRetry(step.retry, used, c.class)) {
      const delayMs = retryDelay(step.retry, used + 1);
      this.log.append({ type: 'step.retrying', step: id, nextAttempt: attempt + 1, delayMs, retryAt: Date.now() + delayMs });
      // Durable at once: a wait can be long, and a resume must see it to keep the countdown.
      this.log.flush();
      this.toRun.add(id);
      this.waitForRetry(id, delayMs);
    } else if (step.fallbackStep) {
      this.log.append({ type: 'step.fallback', step: id, to: step.fallbackStep.command ?? step.fallbackStep.estimateKey });
      this.inFallback.add(id);
      this.toRun.add(id);
    } else {
      this.failedForGood(id, severity, error);
    }
  }

  /** A step failed with nothing left to try: tell the hook, and stop the run if it was critical. */
  private failedForGood(id: string, severity: Severity, error: string): void {
    if (SEVERITY_RANK[severity] >= SEVERITY_RANK.error) this.fireHook(id, severity, error);
    if (severity === 'critical' && this.critical === undefined) {
      this.critical = id;
      this.cancel(`${id} failed with critical severity`);
    }
  }

  /** Raises a step to error severity (repeated warnings); returns the new severity. */
  private escalate(id: string, reason: string): Severity {
    const from = this.state.steps[id]?.severity ?? 'warning';
    if (SEVERITY_RANK[from] >= SEVERITY_RANK.error) return from;
    this.log.append({ type: 'step.escalated', step: id, from, to: 'error', reason });
    this.fireHook(id, 'error', `escalated: ${reason}`);
    return 'error';
  }

  private fireHook(id: string, severity: Severity, error: string): void {
    const argv = this.deps.config.hooks.on_failure;
    if (!argv) return;
    const env = { ...this.baseEnv, BATON_RUN_ID: this.state.id, BATON_STEP_ID: id, BATON_SEVERITY: severity, BATON_ERROR: error, BATON_PROJECT_DIR: this.deps.projectDir };
    this.hookRuns.push(
      this.deps.runHook(argv, env).then((r) => {
        this.log.append({ type: 'hook.ran', hook: 'on_failure', step: id, exitCode: r.exitCode, ...(r.error !== undefined ? { error: r.error } : {}) });
      }),
    );
  }

  /**
   * Undoes the completed steps after `to` (all, without it) in reverse order and restores the
   * workspace to the checkpoint there. Used by `baton rollback` and after a critical failure.
   */
  rollback(reason: string, to?: string): Promise<{ ok: boolean; undone: string[]; error?: string }> {
    return rollback(
      {
        log: this.log,
        steps: this.steps,
        paths: this.paths,
        executor: this.deps.executor,
        prepareUndo: (step) => {
          const undo = step.undoStep as ResolvedStep;
          const { spec } = prepareAttempt(undo, this.context(step), 0, this.setting);
          const file = (kind: 'log' | 'outputs' | 'pid' | 'exit') => this.paths.attemptFile(step.id, 'undo', kind);
          return { ...spec, logPath: file('log'), outputPath: file('outputs'), pidFile: file('pid'), exitFile: file('exit'), env: { ...spec.env, BATON_ATTEMPT: 'undo', BATON_OUTPUT: file('outputs') } };
        },
      },
      reason,
      to,
    );
  }

  /** Self-healing: true when a remedy changed the next attempt and it is queued. */
  private heal(step: ResolvedStep, attempt: number, r: StepResult, errorClass: ErrorClass, tail: string, active: Active): boolean {
    const id = step.id;
    const action = remedyFor(step, r, errorClass, tail, this.deps.config, active);
    if (!action) return false;
    const state = this.state.steps[id];
    const base = { type: 'step.remedy' as const, step: id, attempt, remedy: action.remedy, description: action.description };
    if (action.kind === 'suggest') {
      if (!state?.suggestions?.includes(action.description)) this.log.append({ ...base, action: 'suggest' });
      return false;
    }
    if ((state?.healed?.length ?? 0) >= this.deps.config.healAttempts) return false;
    this.log.append({ ...base, action: 'retry', ...(action.args ? { args: action.args } : {}), ...(action.timeoutMs !== undefined ? { timeoutMs: action.timeoutMs } : {}) });
    // A healed step gets its retry budget afresh: the failure was of the plan's making, not the step's.
    this.budgetBase.set(id, attempt);
    this.toRun.add(id);
    return true;
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
    void this.conclude().then(
      () => this.resolveRun?.(this.state),
      (e: unknown) => this.rejectRun?.(e),
    );
  }

  /** The run's last words: a critical failure's rollback, the hooks still running, then the outcome. */
  private async conclude(): Promise<void> {
    let outcome = runOutcome(this.state, (id) => this.steps.get(id)?.continueOnError ?? false, this.cancelReason);
    if (this.critical !== undefined) {
      const result = await this.rollback(`${this.critical} failed with critical severity`);
      const how = result.ok ? `rolled back ${result.undone.length} step${result.undone.length === 1 ? '' : 's'}` : `rollback failed: ${result.error ?? ''}`;
      outcome = { type: 'run.finished', status: 'failed', reason: `${this.critical} failed (critical); ${how}` };
    }
    await Promise.allSettled(this.hookRuns);
    this.log.append(outcome);
    this.log.flush();
  }

  /** A store failure (disk full, database gone): stop everything, then report. */
  private fail(e: unknown): void {
    if (this.finished) return;
    this.finished = true;
    for (const t of this.timers.values()) clearTimeout(t);
    for (const active of this.running.values()) active.handle?.kill();
    this.rejectRun?.(e);
  }
}
