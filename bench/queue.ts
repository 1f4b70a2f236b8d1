/**
 * The queue executor against the local one: 500 independent no-op steps run by the built CLI,
 * locally and through BullMQ on a private redis-server with 1, 2 and 4 `baton worker`s on this
 * machine. Throughput is steps per second of wall clock (CLI start to exit); the per-step overhead
 * is what the queue adds to each step on top of the local run: (queue - local) / steps.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { CLI, fmtMs, fmtRate, fmtRatio, hasCommand, median, removeDir, runProcess, tempDir, type BenchResult, type Row } from './lib.js';

const STEPS = 500;
const PARALLEL = 8;
const WORKER_COUNTS = [1, 2, 4];
const REPEATS = 2;

function planYaml(): string {
  const lines = ['name: bench-queue', 'steps:'];
  for (let i = 0; i < STEPS; i++) lines.push(`  - id: s${i}`, '    run: ["true"]');
  return `${lines.join('\n')}\n`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      server.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    s.once('error', () => resolve(false));
  });
}

async function startRedis(): Promise<{ url: string; proc: ChildProcess }> {
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 200 && !(await answers(port)); i++) await new Promise((r) => setTimeout(r, 50));
  return { url: `redis://127.0.0.1:${port}`, proc };
}

async function startWorkers(dir: string, url: string, n: number): Promise<ChildProcess[]> {
  const procs: ChildProcess[] = [];
  const ready: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const p = spawn(process.execPath, [CLI, 'worker', '--redis', url, '--name', `bench-${i}`, '--concurrency', String(PARALLEL), '--capabilities', 'shell'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NO_COLOR: '1' } });
    procs.push(p);
    ready.push(
      new Promise((resolve) => {
        let out = '';
        p.stdout?.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('Ctrl-C stops it')) resolve();
        });
      }),
    );
  }
  await Promise.all(ready);
  return procs;
}

async function stopAll(procs: ChildProcess[]): Promise<void> {
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.exitCode !== null || p.signalCode !== null) return resolve();
          p.once('close', () => resolve());
          p.kill('SIGTERM');
        }),
    ),
  );
}

export async function queueBench(): Promise<BenchResult> {
  const title = `Queue executor: ${STEPS} independent no-op steps, --parallel ${PARALLEL}, local executor vs BullMQ with 1, 2 and 4 workers on this machine, median of ${REPEATS}`;
  const notes: string[] = [];
  const problems: string[] = [];
  if (!(await hasCommand('redis-server'))) return { title, rows: [], notes, problems: ['redis-server is not on PATH (Debian: apt-get install redis-server)'] };
  const dir = tempDir('queue');
  const redis = await startRedis();
  try {
    mkdirSync(join(dir, '.baton'), { recursive: true });
    writeFileSync(join(dir, 'plan.yaml'), planYaml());
    writeFileSync(join(dir, '.baton', 'config.yaml'), `agents:\n  - { name: shell, capabilities: [shell], concurrency: ${PARALLEL} }\n`);
    const args = (executor: string) => [CLI, 'run', 'plan.yaml', '--yes', '--dir', dir, '--parallel', String(PARALLEL), '--executor', executor, '--redis', redis.url];
    const time = async (executor: string, what: string): Promise<number> => {
      await runProcess(process.execPath, args(executor), { cwd: dir }); // warm-up: store, caches, queues
      const ms: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        const r = await runProcess(process.execPath, args(executor), { cwd: dir });
        if (r.code !== 0) problems.push(`${what} exited with ${String(r.code)}: ${r.stderr.trim().split('\n')[0] ?? ''}`);
        ms.push(r.ms);
      }
      return median(ms);
    };
    const localMs = await time('local', 'local run');
    const rows: Row[] = [{ metric: `local executor: ${STEPS} steps`, baton: `${fmtMs(localMs)} (${fmtRate((STEPS * 1000) / localMs)})`, baseline: '', ratio: '', goal: '', met: '' }];
    for (const n of WORKER_COUNTS) {
      const workers = await startWorkers(dir, redis.url, n);
      try {
        const ms = await time('queue', `queue run with ${n} worker(s)`);
        rows.push({
          metric: `queue, ${n} worker${n === 1 ? '' : 's'}: ${STEPS} steps (per-step overhead)`,
          baton: `${fmtMs(ms)} (${fmtRate((STEPS * 1000) / ms)}, +${fmtMs((ms - localMs) / STEPS)}/step)`,
          baseline: fmtMs(localMs),
          ratio: fmtRatio(ms / localMs),
          goal: '',
          met: '',
        });
      } finally {
        await stopAll(workers);
      }
    }
    notes.push('workers run on the same machine as the coordinator and Redis, so more workers share the same cores: the numbers show the queue’s cost, not a cluster’s speed-up');
    return { title, rows, notes, problems };
  } finally {
    redis.proc.kill('SIGKILL');
    removeDir(dir);
  }
}
