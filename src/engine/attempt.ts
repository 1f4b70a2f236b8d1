import { stringify } from '../core/expressions.js';
import type { ResolvedStep } from '../core/planCheck.js';
import { parseProtocolLine } from '../core/stepProtocol.js';
import type { StepSpec } from '../executors/executor.js';
import type { Config } from '../registry/config.js';
import type { EventLog } from '../store/eventLog.js';
import { PathEscapeError } from '../registry/paths.js';
import { buildStepProcess, StepInputError, type ContextInput } from './stepInputs.js';
import type { RunPaths } from './workspace.js';

export interface AttemptSetting {
  paths: RunPaths;
  config: Config;
  projectDir: string;
  /** The plan file's folder, against which relative paths resolve. */
  baseDir: string;
  baseEnv: Record<string, string>;
  /** Secret values to write as *** in every step's log, whichever step reads them. */
  secrets?: readonly string[];
}

/**
 * Everything about one attempt that is known before it starts: argv and environment with every
 * expression evaluated, its files and its timeout. Throws StepInputError or ExpressionError when
 * the step's own inputs are wrong.
 */
export function prepareAttempt(step: ResolvedStep, input: ContextInput, attempt: number, s: AttemptSetting): { spec: StepSpec; args: Record<string, unknown> } {
  const id = step.id;
  const p = s.paths;
  const cwd = stepFolders(p, id);
  const proc = buildStepProcess(step, input, s.baseDir, s.baseEnv);
  const env: Record<string, string> = {
    ...proc.env,
    BATON_RUN_ID: input.state.id,
    BATON_STEP_ID: id,
    BATON_ATTEMPT: String(attempt),
    BATON_WORKSPACE: p.workspace,
    BATON_OUTPUT: p.attemptFile(id, attempt, 'outputs'),
    BATON_PROJECT_DIR: s.projectDir,
    BATON_PLAN_DIR: s.baseDir,
  };
  if (step.loop) {
    env.BATON_ITEM = stringify(step.loop.item);
    env.BATON_INDEX = String(step.loop.index);
  }
  if (input.scope?.iteration !== undefined) env.BATON_ITERATION = stringify(input.scope.iteration);
  const spec: StepSpec = {
    runId: input.state.id,
    stepId: id,
    attempt,
    argv: proc.argv,
    cwd,
    env,
    outputPath: p.attemptFile(id, attempt, 'outputs'),
    logPath: p.attemptFile(id, attempt, 'log'),
    pidFile: p.attemptFile(id, attempt, 'pid'),
    exitFile: p.attemptFile(id, attempt, 'exit'),
    claimFile: p.attemptFile(id, attempt, 'claim'),
    killGraceMs: s.config.killGraceMs,
    logLimit: s.config.logLimit,
    capability: step.capability,
    resources: step.resources,
  };
  const timeout = step.timeoutMs ?? s.config.defaultTimeoutMs ?? undefined;
  if (timeout !== undefined) spec.timeoutMs = timeout;
  if (s.secrets?.length) spec.secrets = [...s.secrets];
  return { spec, args: proc.args };
}

/** The step's working folder, once it and the attempts folder are found inside the workspace with links followed. */
function stepFolders(p: RunPaths, id: string): string {
  try {
    p.attemptsDir();
    return p.stepCwd(id);
  } catch (e) {
    // The step cannot run where it must; the run's other steps can.
    if (e instanceof PathEscapeError) throw new StepInputError(`step ${id}: ${e.message}`, e.hint);
    throw e;
  }
}

const PROGRESS_INTERVAL_MS = 200;
const MESSAGES_PER_ATTEMPT = 200;

/**
 * Turns a step's `::progress` and `::warning` lines into events, at most five progress events a
 * second per step (the last one always) and a bounded number of messages per attempt, whatever
 * the step prints.
 */
export class ProtocolRelay {
  private readonly lastProgress = new Map<string, number>();
  private readonly messages = new Map<string, number>();
  private readonly warnings = new Map<string, number>();

  /** `onWarnings` hears when a step's `::warning` lines reach `escalateAfter`. */
  constructor(
    private readonly log: EventLog,
    private readonly escalateAfter = Infinity,
    private readonly onWarnings: (id: string, count: number) => void = () => undefined,
  ) {}

  line(id: string, attempt: number, line: string): void {
    const msg = parseProtocolLine(line);
    if (!msg) return;
    if (msg.kind === 'progress') {
      const now = Date.now();
      if (now - (this.lastProgress.get(id) ?? 0) < PROGRESS_INTERVAL_MS && msg.current < msg.total) return;
      this.lastProgress.set(id, now);
      const e = { type: 'step.progress' as const, step: id, attempt, current: msg.current, total: msg.total };
      this.log.append(msg.message !== undefined ? { ...e, message: msg.message } : e);
      return;
    }
    if (msg.level === 'warning') {
      const w = (this.warnings.get(id) ?? 0) + 1;
      this.warnings.set(id, w);
      if (w === this.escalateAfter) this.onWarnings(id, w);
    }
    const n = (this.messages.get(id) ?? 0) + 1;
    this.messages.set(id, n);
    if (n <= MESSAGES_PER_ATTEMPT) this.log.append({ type: 'step.message', step: id, attempt, level: msg.level, text: msg.text.slice(0, 1000) });
  }

  /** A new attempt starts with a fresh message allowance. */
  reset(id: string): void {
    this.messages.delete(id);
  }
}
