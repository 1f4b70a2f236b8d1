/**
 * Where a step runs. The engine hands over a fully resolved process description and gets back
 * lines and a result; it never touches child_process itself, so a queue-backed executor can
 * replace the local one unchanged.
 */
export interface StepSpec {
  runId: string;
  stepId: string;
  attempt: number;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  outputPath: string;
  logPath: string;
  /** Where the step's wrapper records its process group id, and its exit code when it ends. */
  pidFile: string;
  exitFile: string;
  /**
   * A file created exclusively (O_EXCL, so exactly one creator wins) by whoever settles the attempt
   * first: the step's wrapper just before it starts the step, or a resume that found no trace of
   * it. The loser does nothing, so a job still queued for the launcher when baton died never starts
   * once resume has run the step again.
   */
  claimFile?: string;
  timeoutMs?: number;
  killGraceMs: number;
  /** Bytes of output the log keeps from the start (config `logLimit`, 100 MB by default); past them a marker and the last 1 MB. */
  logLimit?: number;
  /** Values written as `***` wherever the step's output is kept (its log file). */
  secrets?: string[];
  /** What the step needs from where it runs; a queue executor routes on them, the local one ignores them. */
  capability?: string;
  resources?: string[];
}

export interface StepHandlers {
  onSpawn(pid: number): void;
  /** Each complete line of output (without its newline); long lines arrive cut at LINE_LIMIT. */
  onLine(line: string): void;
}

export interface StepResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  outputs: Record<string, unknown>;
  /** Set when the process could not start or its output file was unreadable. */
  error?: string;
}

export interface RunningStep {
  result: Promise<StepResult>;
  /** SIGTERM to the step's process group, SIGKILL after the grace period. */
  cancel(): void;
  /** SIGKILL at once. */
  kill(): void;
}

/** An attempt recorded as running by an earlier baton, as resume finds it. */
export interface AttemptRef {
  runId: string;
  stepId: string;
  attempt: number;
  outputPath: string;
  exitFile: string;
}

export interface Executor {
  start(spec: StepSpec, handlers: StepHandlers): RunningStep;
  /**
   * Follows an attempt an earlier baton started and that may still be running elsewhere (a queue
   * job on a worker), instead of running it again; undefined when the executor knows nothing of
   * it, and resume then settles it from its files. The local executor has no such memory.
   */
  reattach?(ref: AttemptRef, handlers: StepHandlers): Promise<RunningStep | undefined>;
  /** Releases what the executor holds (a launcher process, connections) once a run is over. */
  dispose(): void;
}
