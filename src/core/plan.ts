import type { ArgSpec } from './command.js';
import type { ErrorClass, ErrorRule } from './failure.js';

/**
 * The plan: one shape for plan files, templates and (later) the planner's output. Plain data, so it
 * can be stored, diffed and shown. `planSchema.ts` turns untrusted input into this.
 */
export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  backoff: 'exponential' | 'fixed';
  initialMs: number;
  maxMs: number;
  jitter: boolean;
  /** Which classes of failure are worth another try. */
  on: ErrorClass[];
}

export const RETRY_ON_DEFAULT: ErrorClass[] = ['transient', 'resource'];

/** What to run instead when a step has finally failed: another command, or a raw process. */
export interface Fallback {
  command?: string;
  run?: string[];
  args: Record<string, unknown>;
}

export type ArgValue = unknown;

export interface PlanStep {
  id: string;
  description?: string;
  /** A command from the registry, or... */
  command?: string;
  /** ...a raw process: argv, never a shell string. */
  run?: string[];
  args: Record<string, ArgValue>;
  needs: string[];
  if?: string;
  retry?: RetryPolicy;
  timeoutMs?: number;
  resources: string[];
  agent?: string;
  env: Record<string, string>;
  priority: number;
  /** A failure of this step does not fail the run; the run ends `degraded` instead. */
  continueOnError: boolean;
  fallback?: Fallback;
  /** Error rules for this step, before the command file's and the config's. */
  errors: ErrorRule[];
  /** Steps that run only when this step's `if:` is false. */
  else: string[];
  /** One instance per item (`id[0]`, `id[1]`, ...): a list, or a `${{ }}` expression giving one. */
  forEach?: unknown[] | string;
  /** Repeat the step until this CEL condition over its own outputs holds, at most `maxIterations` times. */
  until?: string;
  maxIterations: number;
  /** Cross-workflow variables this step sets when it succeeds (name → value, `${{ }}` allowed). */
  export: Record<string, unknown>;
  /** A workflow template this step runs as a nested workflow, with `with` as its parameters. */
  uses?: string;
  with: Record<string, unknown>;
  /** Save the run's workspace and this step's outputs when it succeeds, for rollback. */
  checkpoint: boolean;
  /** The compensating action `baton rollback` runs for this step (it can read the step's outputs). */
  undo?: Fallback;
  /** How bad this step's failure is; `critical` stops the run and rolls it back. */
  severity?: Severity;
}

export const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Plan {
  name: string;
  description?: string;
  vars: Record<string, unknown>;
  env: Record<string, string>;
  /** Exclusive tokens this plan declares (name → how many holders at once); config can raise them. */
  resources: Record<string, number>;
  /** Parameters a template takes (read as `params.<name>`); a plan's own take their defaults. */
  params: Record<string, ArgSpec>;
  /** What a template gives back to the step that uses it (name → `${{ }}` over its steps). */
  outputs: Record<string, unknown>;
  /** Phrases that ask for this template as a whole workflow ("object detection pipeline"). */
  requests?: string[];
  steps: PlanStep[];
}

export const STEP_ID = /^[A-Za-z_][A-Za-z0-9_]*$/;
