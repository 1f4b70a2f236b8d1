import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { baton, batonAsync, CLI, json, tempProject, testEnv, waitFor, type CliResult } from '../helpers/cli.js';

/** Bad input: exit 2, one `baton:` line first (then at most a hint), and never a stack trace. */
function expectOneLine(r: CliResult, pattern: RegExp): void {
  expect(r.code).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^baton: /);
  expect(lines[0]).toMatch(pattern);
  expect(lines.slice(1).every((l) => l.startsWith('  hint: '))).toBe(true);
  expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

function dbOf(dir: string): Database.Database {
  return new Database(join(dir, '.baton/baton.db'), { readonly: true });
}

const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];
const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;
const isRoot = process.getuid?.() === 0;

/** Baton as a user without write access: root can write anywhere, so root drops to nobody. */
function asUnprivileged(dir: string, args: string[]): CliResult {
  const [cmd, argv] = isRoot ? ['setpriv', [...NOBODY, process.execPath, CLI, ...args]] : [process.execPath, [CLI, ...args]];
  const r = spawnSync(cmd, argv, { cwd: dir, env: testEnv(dir), encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('a read-only .baton/', () => {
  it('commands that read still work; baton run exits 2 naming the folder, and nothing changes', (ctx) => {
    if (isRoot && !hasSetpriv) ctx.skip('setpriv (util-linux) is missing: root ignores permissions and cannot drop to an unprivileged user');
    const dir = tempProject({ 'plan.yaml': 'steps:\n  - { id: a, run: [echo, hello from a] }\n' });
    chmodSync(dir, 0o755);
    const first = json<{ run: string }>(baton(dir, ['run', 'plan.yaml', '--yes', '--json']));
    if (isRoot) {
      const probe = spawnSync('setpriv', [...NOBODY, process.execPath, '-e', `require('fs').accessSync(${JSON.stringify(CLI)}, require('fs').constants.R_OK)`]);
      if (probe.status !== 0) ctx.skip(`${CLI} is not readable by the unprivileged user nobody`);
    }
    const state = join(dir, '.baton');
    const before = { db: readFileSync(join(state, 'baton.db')), files: readdirSync(state).sort() };
    chmodSync(state, 0o555);
    try {
      const runs = asUnprivileged(dir, ['runs']);
      expect(runs.code).toBe(0);
      expect(runs.stdout).toContain(first.run);
      const status = asUnprivileged(dir, ['status', first.run]);
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/succeeded/);
      const logs = asUnprivileged(dir, ['logs', first.run, 'a']);
      expect(logs.code).toBe(0);
      expect(logs.stdout).toContain('hello from a');

      const run = asUnprivileged(dir, ['run', 'plan.yaml', '--yes']);
      expectOneLine(run, new RegExp(`^baton: cannot write in ${state}: it is read-only for this user`));
      expect(run.stderr).toContain(`hint: make it writable (chmod u+w ${state}, or run baton as its owner)`);
      expect(readFileSync(join(state, 'baton.db')).equals(before.db)).toBe(true);
      expect(readdirSync(state).sort()).toEqual(before.files);
    } finally {
      chmodSync(state, 0o755);
    }
  });
});

/** Forty steps of two hundred warnings each: eight thousand events, far more than the room left. */
const BIG_PLAN = `steps:\n${Array.from({ length: 40 }, (_, i) => `  - { id: s${i}, run: [sh, -c, 'i=0; while [ $i -lt 200 ]; do echo "::warning warning $i of a step that talks a lot"; i=$((i+1)); done'] }`).join('\n')}\n`;

/** After a write failed for want of room: the database is whole, the run resumable, and resumed it finishes. */
function expectResumable(dir: string, stderr: string, env: Record<string, string> = {}): void {
  const id = /`baton resume ([0-9a-f]+)` continues it/.exec(stderr)?.[1] ?? '';
  expect(id).not.toBe('');
  const db = dbOf(dir);
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  } finally {
    db.close();
  }
  const resumed = baton(dir, ['resume', id, '--json'], env);
  expect(resumed.code).toBe(0);
  const run = json<{ status: string; steps: { status: string }[] }>(resumed);
  expect(run.status).toBe('succeeded');
  expect(run.steps.filter((s) => s.status === 'succeeded')).toHaveLength(40);
}

describe('a full disk', () => {
  it('a write refused by a file size limit (ulimit -f) stops the run with one line; resume finishes it', () => {
    const dir = tempProject({ 'small.yaml': 'steps:\n  - { id: a, run: ["true"] }\n', 'big.yaml': BIG_PLAN });
    expect(baton(dir, ['run', 'small.yaml', '--yes']).code).toBe(0);
    // Room for the database as it is and about 100 KB more; SIGXFSZ ignored, so writes past it fail with EFBIG.
    const blocks = Math.ceil(statSync(join(dir, '.baton/baton.db')).size / 512) + 200;
    const script = 'trap "" XFSZ; ulimit -f "$1"; shift; exec "$@"';
    const r = spawnSync('/bin/sh', ['-c', script, 'sh', String(blocks), process.execPath, CLI, 'run', 'big.yaml', '--yes'], { cwd: dir, env: testEnv(dir), encoding: 'utf8', timeout: 60_000 });
    const result = { code: r.status, stdout: r.stdout, stderr: r.stderr };
    expectOneLine(result, /^baton: cannot write .*\.baton\/baton\.db: (the disk is full or failing|it reached the file size limit).* \(run [0-9a-f]+ stopped; `baton resume [0-9a-f]+` continues it\)$/);
    expectResumable(dir, r.stderr);
  });

  it('a full tmpfs (ENOSPC) stops the run with one line; resume finishes it once there is room', (ctx) => {
    const mountPoint = mkdtempSync(join(tmpdir(), 'baton-tmpfs-'));
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mountPoint]).status === 0;
    if (!mounted) {
      rmSync(mountPoint, { recursive: true, force: true });
      ctx.skip('cannot mount a tmpfs here (it needs root with CAP_SYS_ADMIN); the ulimit test covers a refused write');
    }
    try {
      const dir = join(mountPoint, 'project');
      spawnSync('mkdir', [dir]);
      writeFileSync(join(dir, 'small.yaml'), 'steps:\n  - { id: a, run: ["true"] }\n');
      writeFileSync(join(dir, 'big.yaml'), BIG_PLAN);
      expect(baton(dir, ['run', 'small.yaml', '--yes']).code).toBe(0);
      // Fill the disk but for about 150 KB.
      const fs = statfsSync(mountPoint);
      const filler = join(mountPoint, 'filler');
      writeFileSync(filler, Buffer.alloc(Math.max(0, fs.bavail * fs.bsize - 150 * 1024)));
      const r = baton(dir, ['run', 'big.yaml', '--yes']);
      expectOneLine(r, /^baton: cannot write .*: the disk is full \(run [0-9a-f]+ stopped; `baton resume [0-9a-f]+` continues it\)$/);
      expect(r.stderr).toContain('hint: free some space (df -h shows it), then resume the run');
      rmSync(filler);
      // The steps stopped with the run could not record their exit codes on the full disk; resume
      // waits the kill grace for each before running it again, so a short grace keeps this quick.
      expectResumable(dir, r.stderr, { BATON_KILL_GRACE: '1s' });
    } finally {
      spawnSync('umount', [mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    }
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('a workspace deleted during a run', () => {
  it('stops the run as failed with one line, exit 2, its running step stopped', async () => {
    const dir = tempProject({
      'plan.yaml': [
        'steps:',
        '  - { id: a, run: ["true"] }',
        '  - { id: slow, run: [sh, -c, \'echo $$ > "$BATON_PROJECT_DIR/slow.pid"; exec sleep 60\'], needs: [a] }',
        '  - { id: after, run: ["true"], needs: [slow] }',
      ].join('\n'),
    });
    const child = batonAsync(dir, ['run', 'plan.yaml', '--yes']);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const pidFile = join(dir, 'slow.pid');
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 20_000, 'the slow step to start');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const [id] = readdirSync(join(dir, '.baton/runs'));
    rmSync(join(dir, '.baton/runs', id ?? ''), { recursive: true, force: true });

    expect(await exited).toBe(2);
    expect(stderr).toBe(`baton: the workspace .baton/runs/${id} was deleted while the run was going; its files are gone: start the run again (baton run plan.yaml)\n`);
    await waitFor(() => !alive(pid), 10_000, 'the slow step to be stopped');
    const db = dbOf(dir);
    try {
      expect(db.prepare('select status, reason from runs where id = ?').get(id)).toEqual({ status: 'failed', reason: expect.stringMatching(/^the workspace .* was deleted while the run was going/) as unknown });
      const steps = db.prepare('select step_id, status from steps where run_id = ? order by position').all(id);
      expect(steps).toEqual([
        { step_id: 'a', status: 'succeeded' },
        { step_id: 'slow', status: 'cancelled' },
        { step_id: 'after', status: 'pending' },
      ]);
    } finally {
      db.close();
    }
  });
});
