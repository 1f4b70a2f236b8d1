import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { parseOutputs } from '../core/stepProtocol.js';
import { errorMessage } from '../core/errors.js';
import type { Executor, RunningStep, StepHandlers, StepResult, StepSpec } from './executor.js';
import { signalGroup } from './processGroup.js';

/** Longest stdout line parsed for `::` commands; longer lines still reach the log whole. */
export const LINE_LIMIT = 64 * 1024;

/**
 * A tiny POSIX sh wrapper: it records its pid (the process group id) before running the step and
 * the exit code after, into the attempt folder. If baton dies mid-run, resume can still tell a
 * finished attempt from an interrupted one. The step's argv arrives as "$@", so nothing the user
 * wrote is ever parsed by the shell.
 */
const SHIM = 'echo $$ > "$1"; f=$2; shift 2; "$@"; c=$?; echo $c > "$f"; exit $c';

export class LocalExecutor implements Executor {
  start(spec: StepSpec, handlers: StepHandlers): RunningStep {
    ensureDir(spec.cwd);
    const { pidFile, exitFile } = spec;
    // Synchronous appends: a log chunk is small, and an fd avoids a stream's async open/close on
    // every step's critical path.
    const logFd = openSync(spec.logPath, 'a');
    const log = (chunk: Buffer) => writeSync(logFd, chunk);
    const started = Date.now();
    let timedOut = false;
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    let timeoutTimer: NodeJS.Timeout | undefined;

    const child = spawn('/bin/sh', ['-c', SHIM, 'baton-step', pidFile, exitFile, ...spec.argv], {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pgid = child.pid;
    if (pgid !== undefined) handlers.onSpawn(pgid);

    const terminate = (graceMs: number) => {
      if (pgid === undefined) return;
      signalGroup(pgid, 'SIGTERM');
      killTimer ??= setTimeout(() => signalGroup(pgid, 'SIGKILL'), graceMs);
    };
    if (spec.timeoutMs !== undefined) {
      timeoutTimer = setTimeout(() => {
        timedOut = true;
        log(Buffer.from(`\n[baton] timed out after ${spec.timeoutMs}ms: stopping the step\n`));
        terminate(spec.killGraceMs);
      }, spec.timeoutMs);
    }

    let carry = '';
    // The log keeps the bytes as they came; only the `::` protocol needs text.
    const decoder = new StringDecoder('utf8');
    child.stdout.on('data', (chunk: Buffer) => {
      log(chunk);
      const text = carry + decoder.write(chunk);
      const lines = text.split('\n');
      carry = lines.pop() ?? '';
      if (carry.length > LINE_LIMIT) carry = '';
      for (const line of lines) handlers.onLine(line.length > LINE_LIMIT ? line.slice(0, LINE_LIMIT) : line);
    });
    child.stderr.on('data', (chunk: Buffer) => log(chunk));

    const result = new Promise<StepResult>((resolve) => {
      let spawnError: string | undefined;
      child.on('error', (e) => {
        spawnError = `could not start the step: ${errorMessage(e)}`;
      });
      child.on('exit', () => {
        // The step is done; anything it left running in its group is an orphan, unless we are
        // already stopping it, in which case the grace period applies.
        if (pgid !== undefined && !timedOut && !cancelled) signalGroup(pgid, 'SIGKILL');
      });
      child.on('close', (code, signal) => {
        if (carry) handlers.onLine(carry);
        clearTimeout(timeoutTimer);
        clearTimeout(killTimer);
        const out: StepResult = { exitCode: code, signal, timedOut, cancelled, durationMs: Date.now() - started, outputs: {} };
        if (spawnError) out.error = spawnError;
        try {
          if (existsSync(spec.outputPath)) out.outputs = parseOutputs(readFileSync(spec.outputPath, 'utf8'));
        } catch (e) {
          out.error ??= `its output file could not be read: ${errorMessage(e)}`;
        }
        closeSync(logFd);
        resolve(out);
      });
    });

    return {
      result,
      cancel: () => {
        cancelled = true;
        terminate(spec.killGraceMs);
      },
      kill: () => {
        cancelled = true;
        if (pgid !== undefined) signalGroup(pgid, 'SIGKILL');
      },
    };
  }
}

function ensureDir(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') mkdirSync(dir, { recursive: true });
    else throw e;
  }
}
