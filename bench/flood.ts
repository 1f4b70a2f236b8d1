/**
 * Output floods: `baton run` (the bundled CLI) on a step that prints 1 GB of 100-byte lines, against
 * the same run printing 1 MB. Measures baton's peak memory (VmHWM from /proc, polled), the size of
 * the log it keeps (the default logLimit of 100 MB, a marker, the last 1 MB) and how much disk the
 * log took at most while the step printed (allocated blocks, polled).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CLI, fmtMs, fmtRatio, removeDir, tempDir, yesNo, type BenchResult, type Row } from './lib.js';

const FLOOD_BYTES = 1_000_000_000;
const BASELINE_BYTES = 1_000_000;
const LIMIT = 100 * 1024 * 1024;
const KEEP = 1024 * 1024;
const POLL_MS = 20;
const GOAL_PEAK_MB = 150;
const LINE = 'x'.repeat(99);

interface Measured {
  code: number | null;
  ms: number;
  peakKb: number;
  peakDisk: number;
  log?: Buffer;
}

function plan(bytes: number): string {
  return `name: flood\nsteps:\n  - id: flood\n    run: [sh, -c, 'yes ${LINE} | head -c ${bytes}']\n`;
}

function logPath(dir: string): string | undefined {
  const runs = join(dir, '.baton', 'runs');
  if (!existsSync(runs)) return undefined;
  for (const run of readdirSync(runs)) {
    const path = join(runs, run, 'attempts', 'flood.1.log');
    if (existsSync(path)) return path;
  }
  return undefined;
}

function hwmKb(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** One `baton run`, polling the process's VmHWM and the log's allocated blocks until it exits. */
function measure(bytes: number): Promise<Measured> {
  const dir = tempDir('flood');
  writeFileSync(join(dir, 'plan.yaml'), plan(bytes));
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, 'run', 'plan.yaml', '--yes', '--dir', dir], { cwd: dir, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
    let peakKb = 0;
    let peakDisk = 0;
    const sample = () => {
      if (child.pid !== undefined) peakKb = Math.max(peakKb, hwmKb(child.pid));
      const path = logPath(dir);
      if (path) {
        try {
          peakDisk = Math.max(peakDisk, statSync(path).blocks * 512);
        } catch {
          // Renamed over as it was cut: the next sample sees the new one.
        }
      }
    };
    const poll = setInterval(sample, POLL_MS);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      const path = logPath(dir);
      const log = path ? readFileSync(path) : undefined;
      removeDir(dir);
      resolve({ code, ms: performance.now() - t0, peakKb, peakDisk, ...(log ? { log } : {}) });
    });
  });
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export async function floodBench(): Promise<BenchResult> {
  const title = `Output flood: one step printing 1 GB (100-byte lines) through baton run, against the same step printing 1 MB`;
  const notes: string[] = [];
  const problems: string[] = [];
  if (!existsSync('/proc/self/status')) {
    return { title, rows: [], notes, problems: ['/proc is not available (peak memory is read from /proc/PID/status)'] };
  }
  const base = await measure(BASELINE_BYTES);
  const flood = await measure(FLOOD_BYTES);
  for (const [what, m] of [['1 MB run', base], ['1 GB run', flood]] as const) if (m.code !== 0) problems.push(`the ${what} exited with ${String(m.code)}`);

  const text = flood.log?.toString('latin1') ?? '';
  const marker = /\n\[baton: (\d+) bytes of output past the first 100 MB omitted; the last 1 MB follows\]\n/.exec(text);
  const expectedSize = LIMIT + KEEP + (marker?.[0].length ?? 0);
  const exact = marker !== null && Number(marker[1]) === FLOOD_BYTES - LIMIT - KEEP && flood.log?.length === expectedSize;
  if (!exact) problems.push(`the log of the 1 GB run is ${flood.log?.length ?? 'missing'} bytes${marker ? '' : ' without a marker'}; expected ${expectedSize}`);

  const rows: Row[] = [
    {
      metric: 'baton peak memory (VmHWM), step printing 1 GB',
      baton: mb(flood.peakKb * 1024),
      baseline: `${mb(base.peakKb * 1024)} (1 MB)`,
      ratio: fmtRatio(flood.peakKb / base.peakKb),
      goal: `< ${GOAL_PEAK_MB} MB`,
      met: yesNo(flood.peakKb > 0 && flood.peakKb / 1024 < GOAL_PEAK_MB),
    },
    {
      metric: 'log kept after 1 GB of output',
      baton: `${flood.log?.length ?? 0} bytes`,
      baseline: `${base.log?.length ?? 0} bytes (1 MB, whole)`,
      ratio: '',
      goal: `limit + 1 MB + marker = ${expectedSize}`,
      met: yesNo(exact),
    },
    {
      metric: 'disk the log took at most while printing',
      baton: mb(flood.peakDisk),
      baseline: mb(base.peakDisk),
      ratio: '',
      goal: `about limit + 1 MB, far below 1 GB`,
      met: yesNo(flood.peakDisk > 0 && flood.peakDisk < FLOOD_BYTES / 2),
    },
    { metric: 'wall time of the run', baton: fmtMs(flood.ms), baseline: `${fmtMs(base.ms)} (1 MB)`, ratio: fmtRatio(flood.ms / base.ms), goal: '', met: '' },
  ];
  notes.push(`VmHWM and allocated blocks polled every ${POLL_MS} ms; default logLimit (100 MB), the last 1 MB kept after the marker`);
  return { title, rows, notes, problems };
}
