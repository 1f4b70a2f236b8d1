import type { Executor, RunningStep } from '../executors/executor.js';
import type { Config } from '../registry/config.js';
import type { BreakerBook } from './breakers.js';

/** What the engine is given: where steps run, the configuration, and the stores it reads and writes. */
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
  /** The values of the secrets the plan reads (see registry/secrets.ts), by name. */
  secrets?: Record<string, string>;
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
  /**
   * Past share of failed steps per command. Among ready steps with equally long paths ahead, the
   * likelier failure starts first, so a run that is going to fail says so early.
   */
  failureRates?: ReadonlyMap<string, number>;
}

/** A step this session has started: its slots, its process, and what its attempt ran with. */
export interface Active {
  /** Set once the process is launched, right after its start is recorded. */
  handle?: RunningStep;
  agent: string;
  resources: readonly string[];
  /** The attempt's arguments and timeout, as self-healing may change them. */
  args: Record<string, unknown>;
  timeoutMs: number | undefined;
  /** The user cancelled the step before its process was launched. */
  cancelRequested?: boolean;
}
