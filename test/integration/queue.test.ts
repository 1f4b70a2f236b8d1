import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionController } from '../../src/ui/controller.js';
import { agentsCommand } from '../../src/ui/commands/agents.js';
import { CLI, baton, batonAsync, json, linesOf, tempProject, testEnv, waitFor } from '../helpers/cli.js';
import { deadRedisUrl, startRedis, type RedisInstance } from '../helpers/redis.js';

// Each step leaves one line, `step worker`, as its last act: a step run twice shows up twice.
const effect = (id: string, extra = '', sleep = 0.4) =>
  `  - id: ${id}\n    run: [sh, -c, 'sleep ${sleep}; echo "$BATON_STEP_ID $BATON_WORKER" >> "$BATON_PROJECT_DIR/effects"']\n    retry: 3\n${extra}`;
const plan = (ids: string[], extra: (id: string) => string = () => '', sleep = 0.4) => `name: queued\nresources: { gpu: 2 }\nsteps:\n${ids.map((id) => effect(id, extra(id), sleep)).join('')}`;
const config = (url: string, more = '') => `executor: queue\nredis: ${url}\nparallel: 6\nagents:\n  - { name: shell, capabilities: [shell], concurrency: 6 }\n${more}`;

let redis: RedisInstance;
const workers: ChildProcessWithoutNullStreams[] = [];

/** A `baton worker` process; its stdout (one line per step it starts and ends) is collected. */
function startWorker(dir: string, name: string, extra: string[] = []): { proc: ChildProcessWithoutNullStreams; out: () => string } {
  const proc = spawn(process.execPath, [CLI, 'worker', '--redis', redis.url, '--name', name, '--concurrency', '3', ...extra], {
    cwd: dir,
    env: testEnv(dir, { BATON_WORKER_LOCK: '2s' }),
  });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  workers.push(proc);
  return { proc, out: () => out };
}

async function stop(proc: ChildProcessWithoutNullStreams, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const closed = new Promise((r) => proc.on('close', r));
  proc.kill(signal);
  await closed;
}

function effects(dir: string): Map<string, string[]> {
  const byStep = new Map<string, string[]>();
  for (const line of linesOf(dir, 'effects')) {
    const [step = '', worker = ''] = line.split(' ');
    byStep.set(step, [...(byStep.get(step) ?? []), worker]);
  }
  return byStep;
}

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  for (const w of workers) await stop(w, 'SIGKILL');
  await redis?.stop();
});

describe('the queue executor', () => {
  it('two workers run a 30-step plan; one is killed mid-run and the run still succeeds with each side effect once', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `s${i + 1}`);
    // Long enough that a worker killed while it runs two steps is not between a step's end and its report.
    const dir = tempProject({ 'plan.yaml': plan(ids, () => '', 1), '.baton/config.yaml': config(redis.url) });
    const a = startWorker(dir, 'wa');
    const b = startWorker(dir, 'wb');
    await waitFor(() => a.out().includes('Ctrl-C stops it') && b.out().includes('Ctrl-C stops it'), 15_000, 'workers to start').catch((e: Error) => {
      throw new Error(`${e.message}; wa said: ${a.out()}; wb said: ${b.out()}`);
    });

    const listed = json<{ workers: { name: string; capabilities: string[]; concurrency: number }[] }>(baton(dir, ['workers', '--redis', redis.url, '--json']));
    expect(listed.workers.map((w) => [w.name, w.capabilities, w.concurrency])).toEqual([
      ['wa', ['shell'], 3],
      ['wb', ['shell'], 3],
    ]);

    const run = batonAsync(dir, ['run', 'plan.yaml', '--yes', '--json']);
    let stdout = '';
    run.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    // Killed while it runs two steps, after a few steps are done.
    const busy = (out: string) => (out.match(/\) started$/gm) ?? []).length - (out.match(/\) (ended|failed|cancelled)/gm) ?? []).length >= 2;
    // Steps a moment old: started, not in the few milliseconds before their process group exists.
    for (let settled = false; !settled; ) {
      await waitFor(() => effects(dir).size >= 6 && busy(a.out()), 20_000, 'a few steps done while wa runs two');
      const before = a.out();
      await new Promise((r) => setTimeout(r, 300));
      settled = a.out() === before;
    }
    await stop(a.proc, 'SIGKILL');
    let stderr = '';
    run.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => run.on('close', r));
    expect(stderr).toBe('');
    const result = JSON.parse(stdout) as { status: string; steps: { id: string; status: string; attempts: number }[] };
    expect(code).toBe(0);
    expect(result.status).toBe('succeeded');
    const seen = effects(dir);
    expect([...seen.keys()].sort()).toEqual([...ids].sort());
    for (const id of ids) expect(seen.get(id), id).toHaveLength(1);
    // The killed worker's steps came back and ran on the other one, as new attempts.
    const retried = result.steps.filter((s) => s.attempts > 1).map((s) => s.id);
    expect(retried.length).toBeGreaterThan(0);
    for (const id of retried) expect(seen.get(id)).toEqual(['wb']);
    await stop(b.proc);
  }, 60_000);

  it('sends gpu-tagged steps only to the worker that has the gpu resource', async () => {
    const ids = ['g1', 'g2', 'g3', 'g4', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
    const dir = tempProject({ 'plan.yaml': plan(ids, (id) => (id.startsWith('g') ? '    resources: gpu\n' : '')), '.baton/config.yaml': config(redis.url) });
    const gpu = startWorker(dir, 'gpu-box', ['--resources', 'gpu']);
    const cpu = startWorker(dir, 'cpu-box');
    await waitFor(() => gpu.out().includes('Ctrl-C stops it') && cpu.out().includes('Ctrl-C stops it'), 15_000, 'workers to start');
    const r = baton(dir, ['run', 'plan.yaml', '--yes']);
    expect(r.code).toBe(0);
    const seen = effects(dir);
    for (const id of ids.filter((i) => i.startsWith('g'))) expect(seen.get(id)).toEqual(['gpu-box']);
    for (const id of ids.filter((i) => i.startsWith('c'))) expect(seen.get(id)).toHaveLength(1);
    // The REPL's /agents lists the workers too when the project runs on the queue.
    const repl = await SessionController.open({ dir, json: false, yes: true, debug: false });
    try {
      const text = await agentsCommand.action('', repl);
      expect(text.kind === 'message' ? text.text : '').toMatch(/gpu-box\s+\S+\s+\d+\s+shell\s+gpu\s+0\/3\s+\d+\s+\d+s ago/);
      expect(text.kind === 'message' ? text.text : '').toMatch(/cpu-box\s+\S+\s+\d+\s+shell\s+-\s+0\/3/);
    } finally {
      await repl.close();
    }
    await Promise.all([stop(gpu.proc), stop(cpu.proc)]);
    // A worker stopped cleanly leaves the list at once.
    const left = baton(dir, ['workers', '--redis', redis.url]).stdout;
    expect(left).not.toContain('gpu-box');
    expect(left).not.toContain('cpu-box');
  }, 40_000);

  it('an unreachable Redis is a one-line error, or with queueFallback: local a warning and a local run', async () => {
    const dead = await deadRedisUrl();
    const dir = tempProject({ 'plan.yaml': plan(['only']) });
    const r = baton(dir, ['run', 'plan.yaml', '--yes', '--executor', 'queue', '--redis', dead]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`baton: cannot reach Redis at ${dead}: connection refused; start it or run with --executor local`);
    expect(existsSync(join(dir, '.baton/baton.db'))).toBe(false); // stopped before a run was created

    const fallback = tempProject({ 'plan.yaml': plan(['only']), '.baton/config.yaml': `executor: queue\nredis: ${dead}\nqueueFallback: local\n` });
    const f = baton(fallback, ['run', 'plan.yaml', '--yes']);
    expect(f.code).toBe(0);
    expect(f.stderr).toContain(`baton: warning: cannot reach Redis at ${dead}: connection refused; running the steps on this machine (queueFallback: local)`);
    expect(effects(fallback).get('only')).toEqual(['']);

    const w = baton(dir, ['workers', '--redis', dead]);
    expect(w.code).toBe(2);
    expect(w.stderr.split('\n')[0]).toContain('cannot reach Redis');
  }, 30_000);
});
