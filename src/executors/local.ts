import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { errorMessage } from '../core/errors.js';
import type { Executor, RunningStep, StepHandlers, StepResult, StepSpec } from './executor.js';
import { DEFAULT_LOG_LIMIT } from '../core/byteSize.js';
import { Launcher, SUPERSEDED } from './launcher.js';
import { keepLast } from './logCap.js';
import { maskValues } from './logMask.js';
import { LogTail } from './logTail.js';
import { readOutputs } from './outputsFile.js';
import { signalGroup, signalStep } from './processGroup.js';

const TICK_MS = 100;
/** How long a vanished process group may go without its exit report before we stop waiting. */
const VANISHED_MS = 1000;
/** A flooding step's log may take this much disk beyond its limit and tail before baton frees some. */
const PUNCH_SLACK = 8n * 1024n * 1024n;

interface Job {
  tail: LogTail;
  exitFile: string;
  logPath: string;
  /** Bytes its log keeps from the start, when the step writes to it directly (no secrets to mask). */
  directLimit?: number;
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
      exitFile: spec.exitFile,
      logPath: spec.logPath,
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
          if (existsSync(spec.outputPath)) out.outputs = readOutputs(spec.outputPath, spec.secrets);
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
    if (maskValues(spec.secrets ?? []).length === 0) job.directLimit = spec.logLimit ?? DEFAULT_LOG_LIMIT;
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

  private bound(job: Job): void {
    const range = punchRange(job);
    if (range) this.launcher?.punch(job.logPath, range.inode, range.offset, range.length);
  }

  private tick(): void {
    const now = Date.now();
    for (const job of this.jobs) {
      job.tail.poll();
      this.bound(job);
      // A group that disappeared without reporting (its wrapper was SIGKILLed) ends here.
      if (job.pgid === undefined || signalGroup(job.pgid, 0)) continue;
      job.goneSince ??= now;
      if (now - job.goneSince <= VANISHED_MS) continue;
      // A wrapper busy past that (a slow disk under the log) has still written the real code.
      const code = readExitCode(job.exitFile);
      job.end(code ?? null, code === undefined ? 'SIGKILL' : null);
    }
  }
}

/**
 * A step writing straight to its log is only cut when it ends (logCap.ts); while it floods, the
 * bytes between the log's limit and what it will keep (its last bytes, and what baton has not read
 * yet) are freed on disk, so a step printing gigabytes takes about its limit and tail.
 */
function punchRange(job: Job): { inode: bigint; offset: number; length: number } | undefined {
  if (job.directLimit === undefined) return undefined;
  const st = job.tail.stat();
  const limit = BigInt(job.directLimit);
  const keep = BigInt(keepLast(job.directLimit));
  if (!st || st.blocks * 512n < limit + keep + PUNCH_SLACK) return undefined;
  const end = [st.size - keep, BigInt(job.tail.position)].reduce((a, b) => (a < b ? a : b));
  if (end - limit < PUNCH_SLACK) return undefined;
  return { inode: st.ino, offset: job.directLimit, length: Number(end - limit) };
}

function readExitCode(path: string): number | undefined {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
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
