import type { EventBody } from '../core/events.js';
import type { ErrorClass } from '../core/failure.js';
import type { ResolvedStep } from '../core/planCheck.js';
import type { Severity } from '../core/plan.js';
import type { RunState } from '../core/runState.js';
import { defaultSeverity, SEVERITY_RANK } from '../core/severity.js';
import type { Config } from '../registry/config.js';

export interface AlertDeps {
  append(e: EventBody): void;
  state(): RunState;
  config: Config;
  runHook(argv: readonly string[], env: Record<string, string>): Promise<{ exitCode: number | null; error?: string }>;
  /** The environment a hook sees beside the event's own variables. */
  env: Record<string, string>;
  projectDir: string;
  /** Stops the run: a critical failure happened. */
  stop(reason: string): void;
}

/**
 * How bad failures are and who hears about them: severities, escalation of repeated warnings,
 * the `on_failure` hook, and the critical failure that stops the run (and is rolled back).
 */
export class Alerts {
  /** The step whose critical failure stopped the run. */
  critical: string | undefined;
  private readonly warnings = new Map<string, number>();
  private readonly hookRuns: Promise<void>[] = [];

  constructor(private readonly deps: AlertDeps) {}

  /** A failed attempt's severity; a step's warnings past `escalateAfter` make it an error. */
  severityOf(step: ResolvedStep, errorClass: ErrorClass): Severity {
    const id = step.id;
    // A step once escalated stays an error; otherwise its declared severity, or its failure's.
    const severity = step.severity ?? (this.deps.state().steps[id]?.escalations?.length ? 'error' : defaultSeverity(errorClass));
    if (severity !== 'warning') return severity;
    const n = (this.warnings.get(id) ?? 0) + 1;
    this.warnings.set(id, n);
    return n >= this.deps.config.escalateAfter ? this.escalate(id, `${n} failed attempts in a row`) : severity;
  }

  /** Raises a step to error severity (repeated warnings); returns the new severity. */
  escalate(id: string, reason: string): Severity {
    const from = this.deps.state().steps[id]?.severity ?? 'warning';
    if (SEVERITY_RANK[from] >= SEVERITY_RANK.error) return from;
    this.deps.append({ type: 'step.escalated', step: id, from, to: 'error', reason });
    this.hook(id, 'error', `escalated: ${reason}`);
    return 'error';
  }

  /** A step failed with nothing left to try: tell the hook, and stop the run if it was critical. */
  failedForGood(id: string, severity: Severity, error: string): void {
    if (SEVERITY_RANK[severity] >= SEVERITY_RANK.error) this.hook(id, severity, error);
    if (severity === 'critical' && this.critical === undefined) {
      this.critical = id;
      this.deps.stop(`${id} failed with critical severity`);
    }
  }

  /** Resolves when every hook started so far has ended. */
  async settled(): Promise<void> {
    await Promise.allSettled(this.hookRuns);
  }

  private hook(id: string, severity: Severity, error: string): void {
    const argv = this.deps.config.hooks.on_failure;
    if (!argv) return;
    const env = { ...this.deps.env, BATON_RUN_ID: this.deps.state().id, BATON_STEP_ID: id, BATON_SEVERITY: severity, BATON_ERROR: error, BATON_PROJECT_DIR: this.deps.projectDir };
    this.hookRuns.push(
      this.deps.runHook(argv, env).then((r) => {
        this.deps.append({ type: 'hook.ran', hook: 'on_failure', step: id, exitCode: r.exitCode, ...(r.error !== undefined ? { error: r.error } : {}) });
      }),
    );
  }
}
