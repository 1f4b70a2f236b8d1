/**
 * Small helpers shared by the benchmarks: timing, child processes, temp dirs and tables. Plain
 * performance.now() measurements; every number is printed next to a baseline measured in the same
 * process run, so the ratios stay meaningful across machines.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, platform, release, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** The package root (bench/ is compiled to dist/bench/, so two levels up from here). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built CLI the benchmarks spawn. */
export const CLI = join(ROOT, 'dist', 'bin', 'cli.js');

/** One row of a result table; `baseline` and `ratio` stay empty when the baseline is missing. */
export interface Row {
  metric: string;
  baton: string;
  baseline: string;
  ratio: string;
  goal: string;
  met: string;
}

/** What a benchmark hands to the final summary. */
export interface BenchResult {
  title: string;
  rows: Row[];
  notes: string[];
  problems: string[];
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export function timeSync(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `baton-bench-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface ProcResult {
  code: number | null;
  ms: number;
  stdoutBytes: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a process to its end and times it from spawn to exit (wall clock). Stdout is counted, and
 * kept only when `keepStdout` (the status command's JSON); stderr is kept for error reports.
 */
export function runProcess(cmd: string, args: string[], opts: { cwd?: string; keepStdout?: boolean } = {}): Promise<ProcResult> {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdoutBytes = 0;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => {
      stdoutBytes += b.length;
      if (opts.keepStdout) out.push(b);
    });
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      resolvePromise({
        code,
        ms: performance.now() - t0,
        stdoutBytes,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** Whether a program is on PATH (`command -v`). */
export async function hasCommand(name: string): Promise<boolean> {
  const r = await runProcess('sh', ['-c', `command -v ${name}`]);
  return r.code === 0;
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function fmtRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return 'n/a';
  return `${Math.round(perSecond).toLocaleString('en-US')}/s`;
}

export function fmtRatio(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(2)}x` : 'n/a';
}

/** A plain aligned text table for the terminal. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function markdownTable(header: string[], rows: string[][]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [`| ${header.map(esc).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

export const ROW_HEADER = ['metric', 'baton', 'baseline', 'baton/baseline', 'goal', 'met'];

export function rowCells(r: Row): string[] {
  return [r.metric, r.baton, r.baseline, r.ratio, r.goal, r.met];
}

export function printResult(result: BenchResult): void {
  console.log(`\n${result.title}\n`);
  console.log(textTable(ROW_HEADER, result.rows.map(rowCells)));
  for (const n of result.notes) console.log(`  note: ${n}`);
  for (const p of result.problems) console.log(`  PROBLEM: ${p}`);
}

export function machine(): string {
  const cpu = cpus();
  const model = cpu[0]?.model.trim() ?? 'unknown cpu';
  return `${platform()} ${release()}, ${cpu.length} cores (${model}), node ${process.version}`;
}

export function yesNo(ok: boolean | undefined): string {
  if (ok === undefined) return 'n/a';
  return ok ? 'yes' : 'no';
}
