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
}

export interface Plan {
  name: string;
  description?: string;
  vars: Record<string, unknown>;
  env: Record<string, string>;
  /** Exclusive tokens this plan declares (name → how many holders at once); config can raise them. */
  resources: Record<string, number>;
  steps: PlanStep[];
}

/** Fields of the format that later issues give meaning to; a plan using them is refused until then. */
export const RESERVED_STEP_FIELDS = [
  'forEach',
  'until',
  'maxIterations',
  'fallback',
  'continueOnError',
  'uses',
  'with',
  'undo',
] as const;

export const STEP_ID = /^[A-Za-z_][A-Za-z0-9_]*$/;
