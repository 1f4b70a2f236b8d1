import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, baton, batonAsync, json, linesOf, tempProject, testEnv, waitFor } from '../helpers/cli.js';
import { startRedis, type RedisInstance } from '../helpers/redis.js';

const IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const PLAN = `name: resumed\nsteps:\n${IDS.map((id) => `  - id: ${id}\n    run: [sh, -c, 'sleep 1.5; echo "$BATON_STEP_ID" >> "$BATON_PROJECT_DIR/effects"']\n`).join('')}`;

let redis: RedisInstance;
const procs: ChildProcessWithoutNullStreams[] = [];

function startWorker(dir: string, name: string): () => string {
  const proc = spawn(process.execPath, [CLI, 'worker', '--redis', redis.url, '--name', name, '--concurrency', '3'], { cwd: dir, env: testEnv(dir, { BATON_WORKER_LOCK: '2s' }) });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  procs.push(proc);
  return () => out;
}

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  for (const p of procs) {
    if (p.exitCode !== null || p.signalCode !== null) continue;
    const closed = new Promise((r) => p.on('close', r));
    p.kill('SIGKILL');
    await closed;
  }
  await redis?.stop();
});

interface RunOut {
  status: string;
  steps: { id: string; status: string; attempts: number }[];
}

describe('resume with the queue executor', () => {
  it('a coordinator killed mid-run resumes by following the jobs still on workers: nothing runs twice', async () => {
    const dir = tempProject({ 'plan.yaml': PLAN, '.baton/config.yaml': `executor: queue\nredis: ${redis.url}\nparallel: 6\nagents:\n  - { name: shell, capabilities: [shell], concurrency: 6 }\n` });
    const w1 = startWorker(dir, 'w1');
    const w2 = startWorker(dir, 'w2');
    await waitFor(() => w1().includes('Ctrl-C stops it') && w2().includes('Ctrl-C stops it'), 15_000, 'workers to start');

    const run = batonAsync(dir, ['run', 'plan.yaml', '--yes']);
    let stdout = '';
    run.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const started = () => (w1() + w2()).split('\n').filter((l) => l.endsWith('(attempt 1) started')).length;
    await waitFor(() => started() >= 6, 20_000, 'six steps to start on the workers');
    run.kill('SIGKILL');
    await new Promise((r) => run.on('close', r));
    const runId = /run ([0-9a-f]{8}) started/.exec(stdout)?.[1] ?? '';
    expect(runId).toMatch(/^[0-9a-f]{8}$/);
    expect(linesOf(dir, 'effects')).toHaveLength(0); // the coordinator died while all six ran

    const resumed = baton(dir, ['resume', runId]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout.match(/is queued or running on a worker: waiting for it/g)).toHaveLength(6);
    const status = json<RunOut>(baton(dir, ['status', runId, '--json']));
    expect(status.status).toBe('succeeded');
    // Every step's side effect happened once; the six that were on workers kept their first attempt.
    expect([...linesOf(dir, 'effects')].sort()).toEqual(IDS);
    expect(status.steps.filter((s) => s.attempts === 1)).toHaveLength(8);
  }, 45_000);
});
