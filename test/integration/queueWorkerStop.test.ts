import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI, tempProject, testEnv, waitFor } from '../helpers/cli.js';
import { startRedis } from '../helpers/redis.js';

describe('baton worker', () => {
  it('stopped while its Redis goes away, still stops (its goodbyes to Redis are bounded)', async () => {
    const redis = await startRedis();
    const dir = tempProject();
    const proc = spawn(process.execPath, [CLI, 'worker', '--redis', redis.url, '--name', 'w'], { cwd: dir, env: testEnv(dir) });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => proc.on('close', (code) => r(code)));
    try {
      await waitFor(() => out.includes('Ctrl-C stops it'), 15_000, 'the worker to start');
      proc.kill('SIGTERM');
      await redis.stop();
      expect(await exited).toBe(0);
      expect(out).toMatch(/worker w stopped/);
    } finally {
      proc.kill('SIGKILL');
      await redis.stop();
    }
  }, 30_000);
});
