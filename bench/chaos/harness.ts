/**
 * Runs the chaos plan in a fresh project and interrupts baton at seeded random moments: SIGKILL
 * (then `baton resume`, itself killed at random moments, until the run finishes), or SIGTERM and
 * SIGINT (a clean cancel, then one resume to the end). Then checks everything that must hold.
 */
import { mulberry32 } from '../../src/agents/lib/random.js';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { checkRun, findingsOk, orphansAfter, projectProcesses, type Findings } from './checks.js';
import { chaosFiles } from './plan.js';

export type ChaosSignal = 'SIGKILL' | 'SIGTERM' | 'SIGINT';

export interface ChaosOptions {
  /** The built CLI (dist/bin/cli.js). */
  cli: string;
  seed: number;
  signal: ChaosSignal;
  /** How many times to send it at most (a cancel only until baton has cancelled the run once). */
  kills: number;
  /** A kill lands this many ms after its baton started, drawn uniformly. */
  windowMs?: [number, number];
}

export interface Kill {
  /** Which baton: `run` or `resume`, and its turn. */
  target: string;
  atMs: number;
}

export interface ChaosResult {
  seed: number;
  signal: ChaosSignal;
  dir: string;
  runId: string | undefined;
  kills: Kill[];
  /** SIGTERM or SIGINT rounds: how many times baton cancelled the run cleanly (exit 1, `cancelled`). */
  cancels: number;
  /** The flaky step failed once (leaving its line) and succeeded on its retry. */
  retried: boolean;
  /** What each baton process did, in order: `run killed at 812 ms`, `resume exit 0`, ... */
  transcript: string[];
  findings: Findings;
}

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'baton-chaos-'));
  for (const [path, text] of Object.entries(chaosFiles())) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** When the signal was sent, if it was (the process was still running). */
  sentAt?: number;
}

/** Runs baton; sends `signal` after `atMs` if it is still running then. */
function batonOnce(cli: string, dir: string, args: string[], signal?: ChaosSignal, atMs?: number): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1', XDG_CONFIG_HOME: join(dir, '.xdg') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let sentAt: number | undefined;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const t0 = Date.now();
    const timer = signal && atMs !== undefined ? setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null && child.kill(signal)) sentAt = Date.now() - t0;
    }, atMs) : undefined;
    child.on('error', reject);
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      resolve({ code, signal: sig, stdout, stderr, ...(sentAt !== undefined ? { sentAt } : {}) });
    });
  });
}

/** The run this project holds, from baton's first line or, when it died before printing it, the store. */
function findRun(dir: string, stdout: string): string | undefined {
  const printed = /run ([0-9a-f]{8}) started/.exec(stdout)?.[1];
  if (printed !== undefined) return printed;
  const path = join(dir, '.baton', 'baton.db');
  if (!existsSync(path)) return undefined;
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      return db.prepare('select id from runs order by created_at desc limit 1').pluck().get() as string | undefined;
    } finally {
      db.close();
    }
  } catch {
    return undefined; // Killed before the schema existed.
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).slice(-1)[0] ?? '';
}

/** One round: a fresh project, its run interrupted as the options say, then every check. */
export async function chaosRound(opts: ChaosOptions): Promise<ChaosResult> {
  const rand = mulberry32(opts.seed);
  const [lo, hi] = opts.windowMs ?? [100, 1500];
  const dir = project();
  const result: ChaosResult = { seed: opts.seed, signal: opts.signal, dir, runId: undefined, kills: [], cancels: 0, retried: false, transcript: [], findings: { problems: [], twice: [], orphans: [], integrity: [], foldMismatches: [] } };
  // A cancel is sent until one lands while baton listens for it (one sent during its start-up kills
  // it as SIGKILL would), at most `kills` times.
  const budget = opts.kills;
  let turn = 0;
  for (;;) {
    turn++;
    if (turn > budget + 5) {
      result.findings.problems.push(`the run had not finished after ${turn - 1} batons`);
      break;
    }
    const target = result.runId === undefined ? 'run' : 'resume';
    const args = result.runId === undefined ? ['run', 'plan.yaml', '--yes'] : ['resume', result.runId];
    const armed = result.kills.length < budget && (opts.signal === 'SIGKILL' || result.cancels === 0);
    const atMs = armed ? Math.round(lo + rand() * (hi - lo)) : undefined;
    const ended = await batonOnce(opts.cli, dir, args, armed ? opts.signal : undefined, atMs);
    result.runId ??= findRun(dir, ended.stdout);
    if (ended.sentAt !== undefined) result.kills.push({ target: `${target} #${turn}`, atMs: ended.sentAt });
    result.transcript.push(`${target} #${turn}${ended.sentAt !== undefined ? ` got ${opts.signal} at ${ended.sentAt} ms,` : ''} ended ${ended.signal ?? `with exit ${ended.code}`}: ${lastLine(ended.stdout)}${ended.stderr.trim() ? ` / stderr: ${lastLine(ended.stderr)}` : ''}`);
    for (const line of ended.stdout.split('\n').filter((l) => /^\S+ \(attempt \d+\) /.test(l))) result.transcript.push(`    ${line}`);
    if (ended.sentAt !== undefined && opts.signal !== 'SIGKILL' && ended.code === 1) {
      // A clean cancel: baton stopped its steps before it exited (its launcher and the steps'
      // wrappers may take a moment more to go).
      result.cancels++;
      const steps = projectProcesses(dir, false);
      const left = steps.length > 0 ? steps : await orphansAfter(dir, 1000);
      if (left.length > 0) result.findings.orphans.push(...left.map((p) => `${p} (after ${opts.signal})`));
      if (!/^run [0-9a-f]+ cancelled/m.test(ended.stdout)) result.findings.problems.push(`after ${opts.signal} the run did not end cancelled: ${lastLine(ended.stdout)}`);
      continue;
    }
    if (ended.sentAt !== undefined) continue; // Killed (or a signal before baton listened for it): resume.
    if (ended.code !== 0) result.findings.problems.push(`${target} exited ${ended.code ?? ended.signal}: ${lastLine(ended.stderr || ended.stdout)}`);
    break;
  }
  if (result.runId === undefined) result.findings.problems.push('no run was created');
  else {
    const { findings, retried } = await checkRun(dir, result.runId);
    for (const k of Object.keys(findings) as (keyof Findings)[]) result.findings[k].push(...findings[k]);
    result.retried = retried;
  }
  return result;
}

/** The round as text: what to look at when it failed, and how to replay it. */
export function describeRound(r: ChaosResult): string {
  const f = r.findings;
  return [
    `chaos round seed=${r.seed} signal=${r.signal} dir=${r.dir} run=${r.runId ?? '-'}${r.retried ? '' : ' (the flaky step was not retried)'}`,
    `kills: ${r.kills.map((k) => `${k.target}@${k.atMs}ms`).join(', ') || 'none'}`,
    ...r.transcript.map((t) => `  ${t}`),
    ...f.problems.map((p) => `  problem: ${p}`),
    ...f.twice.map((p) => `  ran twice: ${p}`),
    ...f.orphans.map((p) => `  orphan: ${p}`),
    ...f.integrity.map((p) => `  integrity: ${p}`),
    ...f.foldMismatches.map((p) => `  fold: ${p}`),
  ].join('\n');
}

/**
 * Rounds of `signal`, seeded `seed`, `seed + 1`, ..., until `kills` signals were sent (SIGKILL, up
 * to `perRound` a round) or `rounds` rounds ran (SIGTERM and SIGINT, one each). A round that passed
 * every check leaves no folder behind.
 */
export async function chaosCampaign(opts: Omit<ChaosOptions, 'kills'> & { kills?: number; perRound?: number; rounds?: number; maxRounds?: number }): Promise<ChaosResult[]> {
  const results: ChaosResult[] = [];
  const wanted = opts.signal === 'SIGKILL' ? (opts.kills ?? 5) : Infinity;
  const maxRounds = opts.signal === 'SIGKILL' ? (opts.maxRounds ?? Math.ceil(wanted / 2) + 2) : (opts.rounds ?? 1);
  let sent = 0;
  while (sent < wanted && results.length < maxRounds) {
    const kills = opts.signal === 'SIGKILL' ? Math.min(opts.perRound ?? 10, wanted - sent) : 3;
    const r = await chaosRound({ ...opts, seed: opts.seed + results.length, kills });
    sent += r.kills.length;
    results.push(r);
    if (findingsOk(r.findings)) rmSync(r.dir, { recursive: true, force: true });
  }
  return results;
}
