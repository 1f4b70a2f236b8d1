import { errorMessage, ExpressionError } from '../core/errors.js';
import type { ResolvedStep } from '../core/planCheck.js';
import type { RunState } from '../core/runState.js';
import type { StepResult, StepSpec } from '../executors/executor.js';
import type { EventLog } from '../store/eventLog.js';
import { prepareAttempt, type AttemptSetting, type ProtocolRelay } from './attempt.js';
import type { Active, EngineDeps } from './deps.js';
import { withOverrides } from './loops.js';
import { StepInputError, type ContextInput } from './stepInputs.js';

export interface StarterDeps {
  log: EventLog;
  deps: EngineDeps;
  relay: ProtocolRelay;
  setting: AttemptSetting;
  running: Map<string, Active>;
  inFallback: ReadonlySet<string>;
  context(step: ResolvedStep): ContextInput;
  onOutput?: (step: string, line: string) => void;
  /** A line of output with the run's secrets written as ***. */
  mask(line: string): string;
  release(agent: string, step: ResolvedStep): void;
  inputFailure(id: string, error: string): void;
  onResult(step: ResolvedStep, attempt: number, active: Active, result: StepResult): void;
  fail(e: unknown): void;
}

/**
 * Starts attempts: builds each one's process, records its start, and launches the batch once
 * those starts are durable, so a crash at any moment leaves a trail resume can follow.
 */
export class Starter {
  private launches: (() => void)[] = [];

  constructor(private readonly d: StarterDeps) {}

  private get state(): RunState {
    return this.d.log.state;
  }

  /** Prepares and records an attempt of `step` on `agent`; false when its inputs are wrong (it failed). */
  start(step: ResolvedStep, agent: string): boolean {
    const id = step.id;
    const attempt = (this.state.steps[id]?.attempts.length ?? 0) + 1;
    let prepared: { spec: StepSpec; args: Record<string, unknown> };
    try {
      prepared = prepareAttempt(withOverrides(step, this.state.steps[id]?.overrides), this.d.context(step), attempt, this.d.setting);
    } catch (e) {
      this.d.release(agent, step);
      if (e instanceof StepInputError || e instanceof ExpressionError) {
        this.d.inputFailure(id, errorMessage(e));
        return false;
      }
      throw e;
    }
    const { spec } = prepared;
    const started = { type: 'step.started' as const, step: id, attempt, agent, workdir: spec.cwd, logPath: spec.logPath };
    this.d.log.append(this.d.inFallback.has(id) ? { ...started, fallback: true } : started);
    const active: Active = { agent, resources: step.resources, args: prepared.args, timeoutMs: spec.timeoutMs };
    this.d.running.set(id, active);
    this.launches.push(() => {
      const handle = this.d.deps.executor.start(spec, {
        onSpawn: (pid) => this.d.log.append({ type: 'step.spawned', step: id, attempt, pid }),
        onLine: (raw) => {
          const line = this.d.mask(raw);
          this.d.relay.line(id, attempt, line);
          this.d.onOutput?.(id, line);
        },
      });
      active.handle = handle;
      if (active.cancelRequested) handle.cancel();
      handle.result.then(
        (result) => this.d.onResult(step, attempt, active, result),
        (e: unknown) => this.d.fail(e),
      );
    });
    return true;
  }

  /** Launches the attempts started since the last call, after one write makes their starts durable. */
  launch(): void {
    if (this.launches.length === 0) return;
    this.d.log.flush();
    const launches = this.launches;
    this.launches = [];
    for (const l of launches) l();
  }
}
