import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { BatonError } from '../core/errors.js';
import { OPTIONAL_TOOLS, WRAPPER_FUNCTIONS, WRAPPER_TOOLS, capArgs } from './logCap.js';
import { maskVariables } from './logMask.js';
import { ENV_NAME, shQuote } from './shellQuote.js';

/**
 * Starting a process from Node forks the whole Node process, about a millisecond per step on the
 * main thread. Baton instead keeps one small POSIX sh, the launcher, that starts each step in the
 * background: Node only writes one quoted line per step to its stdin.
 *
 * For each step a background subshell of the launcher runs bt_run (logCap.ts): it starts the step's
 * argv through setsid (a process group of its own, so a timeout or cancel reaches everything it
 * started), reports `+ TOKEN PGID` at the start and `- TOKEN CODE` at the end on the launcher's
 * stdout, and records both in the attempt's pid and exit files, so a later `baton resume` can tell
 * a finished attempt from an interrupted one even if baton died. The wrapper, not baton, holds the
 * step's output and caps its log, so a step outlives a crashed baton without a broken pipe, and its
 * log is still cut.
 *
 * Nothing the user wrote is ever parsed as shell syntax: every value is single-quoted.
 */
const TOOLS = [...WRAPPER_TOOLS, ...OPTIONAL_TOOLS];
const LAUNCHER = `nl='\n'
bt_setsid=$1 ${TOOLS.map((tool, i) => `bt_${tool}=\${${i + 2}}`).join(' ')}
${WRAPPER_FUNCTIONS}
while IFS= read -r job; do eval "$job" & done`;

/** The wrapper's exit code when a resume claimed the attempt first: the step was never started. */
export const SUPERSEDED = 125;

export interface LaunchSpec {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  logPath: string;
  pidFile: string;
  exitFile: string;
  claimFile?: string;
  /** Bytes of output the log keeps from the start (DEFAULT_LOG_LIMIT when unset); then the last 1 MB. */
  logLimit?: number;
  /** Values that appear as `***` in the log. */
  secrets?: string[];
}

export interface LaunchCallbacks {
  onStart(pgid: number): void;
  onExit(code: number): void;
  /** The launcher itself died before the step started (someone killed it). */
  onLost(): void;
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

export class Launcher {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly jobs = new Map<string, LaunchCallbacks>();
  private readonly started = new Set<string>();
  private next = 0;
  private carry = '';
  private closed = false;

  constructor() {
    const setsid = findOnPath('setsid');
    if (!setsid) throw new BatonError('Baton needs the setsid program (util-linux) to give each step its own process group', 'install util-linux');
    const tools = WRAPPER_TOOLS.map((name) => {
      const path = findOnPath(name);
      if (!path) throw new BatonError(`Baton needs the ${name} program to run steps`, 'install coreutils (and awk) or put them on PATH');
      return path;
    });
    const optional = OPTIONAL_TOOLS.map((name) => findOnPath(name) ?? '');
    // Its own process group, so Ctrl-C in the terminal reaches baton (which cancels cleanly) and
    // not the launcher; an empty environment, so steps see only what the job line exports. The
    // tools' paths arrive as arguments, so they stay shell variables that steps never see.
    this.proc = spawn('/bin/sh', ['-c', LAUNCHER, 'sh', setsid, ...tools, ...optional], { env: {}, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (chunk: string) => this.read(chunk));
    this.proc.stderr.resume();
    this.proc.stdin.on('error', () => undefined);
    this.proc.on('exit', () => {
      if (this.closed) return;
      this.closed = true;
      // Steps it already started report through their own copy of its stdout; the rest never will.
      for (const [token, job] of this.jobs) {
        if (this.started.has(token)) continue;
        this.jobs.delete(token);
        job.onLost();
      }
    });
  }

  get alive(): boolean {
    return !this.closed;
  }

  /** Starts a step; returns its token. */
  launch(spec: LaunchSpec, callbacks: LaunchCallbacks): string {
    if (this.closed) throw new Error('the launcher is closed');
    const token = String(++this.next);
    this.jobs.set(token, callbacks);
    const exports = Object.entries(spec.env)
      .filter(([k]) => ENV_NAME.test(k))
      .map(([k, v]) => `${k}=${shQuote(v)}`);
    const q = (v: string) => shQuote(v);
    const line = [
      `cd ${q(spec.cwd)} 2>/dev/null || { echo "- ${token} 126"; exit 126; };`,
      // noclobber makes the shell's own `>` an exclusive create, so the claim costs no process; on
      // `true`, not `:`, whose failed redirection would end the shell before it reports.
      spec.claimFile !== undefined
        ? `[ -d ${q(dirname(spec.claimFile))} ] || mkdir -p ${q(dirname(spec.claimFile))}; set -C; true 2>/dev/null >${q(spec.claimFile)} || { echo "- ${token} ${SUPERSEDED}"; exit ${SUPERSEDED}; }; set +C;`
        : '',
      exports.length ? `export ${exports.join(' ')};` : '',
      maskVariables(spec.secrets),
      `bt_run ${token} ${q(spec.pidFile)} ${q(spec.exitFile)} ${capArgs(spec.logPath, spec.logLimit)} ${spec.argv.map(q).join(' ')}`,
    ].join(' ');
    this.proc.stdin.write(`${line}\n`);
    return token;
  }

  /**
   * Frees the disk under bytes [offset, offset + length) of a log, if it is still the file with
   * inode `inode` (a log cut and renamed meanwhile is left alone). For floods: a fork and two execs.
   */
  punch(logPath: string, inode: bigint, offset: number, length: number): void {
    if (this.closed) return;
    this.proc.stdin.write(`bt_punch ${inode} ${offset} ${length} ${shQuote(logPath)}\n`);
  }

  /** Forgets a job whose end was seen another way (its process group vanished). */
  forget(token: string): void {
    this.jobs.delete(token);
    this.started.delete(token);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.proc.stdin.end();
    this.proc.unref();
  }

  private read(chunk: string): void {
    const lines = (this.carry + chunk).split('\n');
    this.carry = lines.pop() ?? '';
    for (const line of lines) {
      const m = /^([+-]) (\d+) (\d+)$/.exec(line);
      if (!m) continue;
      const job = this.jobs.get(m[2] ?? '');
      if (!job) continue;
      if (m[1] === '+') {
        this.started.add(m[2] ?? '');
        job.onStart(Number(m[3]));
      } else {
        this.jobs.delete(m[2] ?? '');
        this.started.delete(m[2] ?? '');
        job.onExit(Number(m[3]));
      }
    }
  }
}
