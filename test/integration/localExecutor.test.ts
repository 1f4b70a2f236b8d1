import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningStep, StepSpec } from '../../src/executors/executor.js';
import { LocalExecutor } from '../../src/executors/local.js';
import { terminateGroup } from '../../src/executors/processGroup.js';
import { waitFor } from '../helpers/cli.js';

function spec(dir: string, argv: string[], extra: Partial<StepSpec> = {}): StepSpec {
  const file = (kind: string) => join(dir, `s.1.${kind}`);
  return { runId: 'r', stepId: 's', attempt: 1, argv, cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, outputPath: file('outputs'), logPath: file('log'), pidFile: file('pid'), exitFile: file('exit'), claimFile: file('claim'), killGraceMs: 2000, ...extra };
}

/** Blocks the event loop until `path` exists: the step is over, and baton has not heard yet. */
function blockUntilExists(path: string, ms = 10_000): void {
  const deadline = Date.now() + ms;
  while (!existsSync(path)) if (Date.now() > deadline) throw new Error(`${path} never appeared`);
}

function started(ex: LocalExecutor, s: StepSpec): Promise<RunningStep> {
  return new Promise((resolve) => {
    const handle: RunningStep = ex.start(s, { onSpawn: () => setImmediate(() => resolve(handle)), onLine: () => undefined });
  });
}

describe('the local executor, racing a step that ends on its own', () => {
  let ex: LocalExecutor | undefined;
  afterEach(() => ex?.dispose());

  it('a cancel that arrives after the step exited 0, before baton heard of it, leaves the step succeeded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-exec-'));
    ex = new LocalExecutor();
    const s = spec(dir, ['sh', '-c', 'sleep 0.2']);
    const handle = await started(ex, s);
    blockUntilExists(s.exitFile);
    handle.cancel();
    const r = await handle.result;
    expect(r).toMatchObject({ exitCode: 0, cancelled: false, timedOut: false });
  });

  it('a timeout that fires after the step exited 0, before baton heard of it, is no timeout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-exec-'));
    ex = new LocalExecutor();
    const s = spec(dir, ['sh', '-c', 'sleep 0.2'], { timeoutMs: 300 });
    const handle = await started(ex, s);
    blockUntilExists(s.exitFile);
    // The timer is due while the event loop is blocked: it fires before the exit report is read.
    const until = Date.now() + 350;
    while (Date.now() < until);
    const r = await handle.result;
    expect(r).toMatchObject({ exitCode: 0, cancelled: false, timedOut: false });
  });

  it('a cancel of a running step still cancels it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-exec-'));
    ex = new LocalExecutor();
    const handle = await started(ex, spec(dir, ["sleep", "30"]));
    handle.cancel();
    const r = await handle.result;
    expect(r).toMatchObject({ cancelled: true, signal: 'SIGTERM' });
  });
});

describe('the local executor, cancelling a step as it starts', () => {
  it('a cancel heard with the start report stops the step at once, even before setsid has made its group', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-exec-'));
    const ex = new LocalExecutor();
    try {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => {
          const s = { ...spec(dir, ['sleep', '30'], { killGraceMs: 20_000 }), stepId: `s${i}`, pidFile: join(dir, `s${i}.pid`), exitFile: join(dir, `s${i}.exit`), claimFile: join(dir, `s${i}.claim`), logPath: join(dir, `s${i}.log`) };
          const handle: RunningStep = ex.start(s, { onSpawn: () => handle.cancel(), onLine: () => undefined });
          return handle.result;
        }),
      );
      for (const r of results) expect(r).toMatchObject({ cancelled: true, signal: 'SIGTERM' });
    } finally {
      ex.dispose();
    }
  }, 15_000);
});

describe('the local executor, signals a step inherits', () => {
  it('a step keeps the default SIGPIPE, so `yes | head -n 1` ends (its wrapper alone ignores it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-exec-'));
    const ex = new LocalExecutor();
    try {
      const s = spec(dir, ['sh', '-c', 'yes | head -n 1 >/dev/null; grep SigIgn /proc/self/status'], { timeoutMs: 5000 });
      const r = await ex.start(s, { onSpawn: () => undefined, onLine: () => undefined }).result;
      expect(r).toMatchObject({ exitCode: 0, timedOut: false });
      const ignored = BigInt(`0x${/SigIgn:\s*([0-9a-f]+)/.exec(readFileSync(s.logPath, 'utf8'))?.[1] ?? '0'}`);
      expect(ignored & (1n << 12n)).toBe(0n); // SIGPIPE is signal 13
    } finally {
      ex.dispose();
    }
  });
});

describe('process groups', () => {
  it('stopping a group returns as soon as nothing in it runs, even while a dead member waits to be reaped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-exec-'));
    // The group's leader is the child of a process that never reaps (it became `sleep`): once
    // stopped, it stays a zombie in its group, as a step's orphans do under a lazy init.
    const parent = spawn('sh', ['-c', `setsid sh -c 'echo $$ > "$0"; exec sleep 30' "${join(dir, 'pgid')}" & exec sleep 30`], { stdio: 'ignore' });
    try {
      await waitFor(() => existsSync(join(dir, 'pgid')) && readFileSync(join(dir, 'pgid'), 'utf8').trim() !== '', 5000, 'the group');
      const pgid = Number(readFileSync(join(dir, 'pgid'), 'utf8'));
      await waitFor(() => readFileSync(`/proc/${pgid}/cmdline`, 'utf8').startsWith('sleep'), 5000, 'the exec');
      const t0 = Date.now();
      await terminateGroup(pgid, 3000);
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(readFileSync(`/proc/${pgid}/stat`, 'utf8')).toMatch(/\) Z /);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});
