import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { errorMessage } from '../core/errors.js';
import { parseOutputs } from '../core/stepProtocol.js';
import type { Executor, RunningStep, StepHandlers, StepResult, StepSpec } from './executor.js';
import { Launcher, SUPERSEDED } from './launcher.js';
import { LogTail } from './logTail.js';
import { signalGroup, signalStep } from './processGroup.js';

const TICK_MS = 100;
/** How long a vanished process group may go without its exit report before we stop waiting. */
const VANISHED_MS = 1000;

interface Job {
  tail: LogTail;
  pgid?: number;
  goneSince?: number;
  end(code: number | null, signal: string | null, error?: string): void;
}

function signalName(code: number): string | null {
  if (code <= 128) return null;
  const entry = Object.entries(constants.signals).find(([, n]) => n === code - 128);
  return entry ? entry[0] : null;
}

/**
 * Runs steps on this machine: each a process group of its own started by the launcher, its
 * output in its log file, followed every 100 ms for `::` protocol lines.
 */
export class LocalExecutor implements Executor {
  private launcher: Launcher | undefined;
  private readonly jobs = new Set<Job>();
  private ticker: NodeJS.Timeout | undefined;

  start(spec: StepSpec, handlers: StepHandlers): RunningStep {
    ensureDir(spec.cwd);
    if (!this.launcher?.alive) this.launcher = new Launcher();
    const launcher = this.launcher;
    const started = Date.now();
    let timedOut = false;
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    let timeoutTimer: NodeJS.Timeout | undefined;
    let resolveResult: (r: StepResult) => void = () => undefined;
    const result = new Promise<StepResult>((resolve) => (resolveResult = resolve));

    const job: Job = {
      tail: new LogTail(spec.logPath, (line) => handlers.onLine(line)),
      end: (code, signal, error) => {
        if (!this.jobs.delete(job)) return;
        launcher.forget(token);
        clearTimeout(timeoutTimer);
        clearTimeout(killTimer);
        // Whatever the step left running in its group is an orphan.
        if (job.pgid !== undefined) signalGroup(job.pgid, 'SIGKILL');
        job.tail.finish();
        const out: StepResult = { exitCode: code, signal: signal ?? (code !== null ? signalName(code) : null), timedOut, cancelled, durationMs: Date.now() - started, outputs: {} };
        try {
          if (existsSync(spec.outputPath)) out.outputs = parseOutputs(readFileSync(spec.outputPath, 'utf8'));
        } catch (e) {
          out.error = `its output file could not be read: ${errorMessage(e)}`;
        }
        if (code === 126 && job.pgid === undefined) out.error = `could not enter its working folder ${spec.cwd}`;
        if (code === SUPERSEDED && job.pgid === undefined) out.error = 'another baton resumed this run and took this attempt over before it started';
        if (error !== undefined) out.error = error;
        resolveResult(out);
        if (this.jobs.size === 0) this.stopTicking();
      },
    };
    this.jobs.add(job);
    const token = launcher.launch(spec, {
      onStart: (pgid) => {
        job.pgid = pgid;
        handlers.onSpawn(pgid);
        if (cancelled) terminate();
      },
      onExit: (code) => job.end(code, null),
      onLost: () => job.end(null, null, 'the step launcher stopped before the step started'),
    });
    this.startTicking();

    /**
     * SIGTERM to the step's group; false when the group is already gone: the step ended on its
     * own and its exit code is on its way, so it was neither cancelled nor timed out (calling it
     * so would run a finished step again).
     */
    const terminate = (): boolean => {
      if (job.pgid === undefined) return true; // onStart stops it as soon as its group exists
      const pgid = job.pgid;
      if (!signalStep(pgid, 'SIGTERM')) return false;
      killTimer ??= setTimeout(() => signalGroup(pgid, 'SIGKILL'), spec.killGraceMs);
      return true;
    };
    if (spec.timeoutMs !== undefined) {
      timeoutTimer = setTimeout(() => {
        timedOut = terminate();
      }, spec.timeoutMs);
    }
    return {
      result,
      cancel: () => {
        cancelled = terminate() || cancelled;
      },
      kill: () => {
        cancelled = job.pgid === undefined || signalStep(job.pgid, 'SIGKILL') || cancelled;
      },
    };
  }

  /** Ends the launcher; steps already started are not affected. */
  dispose(): void {
    this.stopTicking();
    this.launcher?.close();
    this.launcher = undefined;
  }

  private startTicking(): void {
    this.ticker ??= setInterval(() => this.tick(), TICK_MS);
  }

  private stopTicking(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private tick(): void {
    const now = Date.now();
    for (const job of this.jobs) {
      job.tail.poll();
      // A group that disappeared without reporting (its wrapper was SIGKILLed) ends here.
      if (job.pgid === undefined || signalGroup(job.pgid, 0)) continue;
      job.goneSince ??= now;
      if (now - job.goneSince > VANISHED_MS) job.end(null, 'SIGKILL');
    }
  }
}

function ensureDir(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code === 'ENOENT') mkdirSync(dir, { recursive: true });
    else throw e;
  }
}
