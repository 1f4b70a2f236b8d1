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

export interface Executor {
  start(spec: StepSpec, handlers: StepHandlers): RunningStep;
  /** Releases what the executor holds (a launcher process, connections) once a run is over. */
  dispose(): void;
}
