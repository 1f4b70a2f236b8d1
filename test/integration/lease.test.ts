import Database from 'better-sqlite3';
import type { ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { diedAfterStarting } from '../helpers/crashedRun.js';
import { baton, batonAsync, json, linesOf, tempProject, waitFor, type CliResult } from '../helpers/cli.js';

// `nap` sleeps 30 s the first time; once the file `again` exists it ends at once, so the run a
// test took over finishes quickly. Each step leaves a line behind: a step run twice shows.
const SLOW_PLAN = `
name: slow
steps:
  - id: nap
    run: [sh, -c, 'test -f "$BATON_PROJECT_DIR/again" || sleep 30; echo nap >> "$BATON_PROJECT_DIR/effects"']
  - id: after
    run: [sh, -c, 'echo after >> "$BATON_PROJECT_DIR/effects"']
    needs: [nap]
`;

const REFUSAL = /^baton: run ([0-9a-f]{8}) is running in pid (\d+) on (\S+) \(lease renewed \d+ s ago\)$/m;

interface RunOut {
  run: string;
  status: string;
  steps: { id: string; status: string; attempts: number }[];
}
interface RunsRow {
  run: string;
  status: string;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Runs the CLI without blocking the test, collecting what it printed. */
function start(dir: string, args: string[]): { child: ChildProcess; done: Promise<CliResult> } {
  const child = batonAsync(dir, args);
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

function runRow(dir: string, runId: string) {
  const db = new Database(join(dir, '.baton/baton.db'), { readonly: true });
  try {
    return db.prepare('select status, owner_pid, owner_host, lease_until, heartbeat_at from runs where id = ?').get(runId) as {
      status: string;
      owner_pid: number | null;
      owner_host: string | null;
      lease_until: number | null;
      heartbeat_at: number | null;
    };
  } finally {
    db.close();
  }
}

function setLease(dir: string, runId: string, values: { owner_pid: number; owner_host: string; lease_until: number; heartbeat_at: number }): void {
  const db = new Database(join(dir, '.baton/baton.db'));
  try {
    db.prepare('update runs set owner_pid = ?, owner_host = ?, lease_until = ?, heartbeat_at = ? where id = ?').run(values.owner_pid, values.owner_host, values.lease_until, values.heartbeat_at, runId);
  } finally {
    db.close();
  }
}

const listed = (dir: string, runId: string) => json<RunsRow[]>(baton(dir, ['runs', '--json'])).find((r) => r.run === runId)?.status;

/** The run whose step `step` is running, read straight from SQLite; undefined before then. */
function stepRunning(dir: string, step: string): string | undefined {
  if (!existsSync(join(dir, '.baton/baton.db'))) return undefined;
  try {
    const db = new Database(join(dir, '.baton/baton.db'), { readonly: true });
    try {
      const row = db.prepare("select run_id from steps where step_id = ? and status = 'running'").get(step) as { run_id: string } | undefined;
      return row?.run_id;
    } finally {
      db.close();
    }
  } catch {
    return undefined; // Being created or not migrated yet.
  }
}

/** Starts `baton run` of the slow plan and waits until its long step runs; returns the run id too. */
async function ownedRun(dir: string) {
  const owner = start(dir, ['run', 'plan.yaml', '--yes']);
  await waitFor(() => stepRunning(dir, 'nap') !== undefined, 20_000, 'the nap step to start');
  return { ...owner, runId: stepRunning(dir, 'nap') as string };
}

describe('a run is driven by one process at a time', () => {
  it('refuses to resume a run whose owner is alive and renewing, then takes it over once the owner is killed', async () => {
    const dir = tempProject({ 'plan.yaml': SLOW_PLAN });
    const owner = await ownedRun(dir);
    const pid = owner.child.pid as number;

    // The owner renews its lease every 2 s: seen from another process it stays fresh.
    const first = runRow(dir, owner.runId);
    expect(first).toMatchObject({ owner_pid: pid, owner_host: hostname() });
    await waitFor(() => (runRow(dir, owner.runId).heartbeat_at ?? 0) > (first.heartbeat_at ?? 0), 10_000, 'a heartbeat');
    expect(runRow(dir, owner.runId).lease_until).toBeGreaterThan(Date.now());

    const refused = baton(dir, ['resume', owner.runId]);
    expect(refused.code).toBe(2);
    const m = REFUSAL.exec(refused.stderr);
    expect(m?.slice(1, 4)).toEqual([owner.runId, String(pid), hostname()]);
    expect(refused.stderr).toMatch(/hint: wait for it to finish, or stop that baton and resume again; `baton status [0-9a-f]{8}` shows how far it got/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(listed(dir, owner.runId)).toBe('running');
    expect(json<RunOut>(baton(dir, ['status', owner.runId, '--json'])).status).toBe('running');

    owner.child.kill('SIGKILL');
    await owner.done;
    expect(listed(dir, owner.runId)).toBe('interrupted');
    writeFileSync(join(dir, 'again'), '');
    const resumed = baton(dir, ['resume', owner.runId, '--json']);
    expect(resumed.code).toBe(0);
    expect(json<RunOut>(resumed).status).toBe('succeeded');
    expect(linesOf(dir, 'effects')).toEqual(['nap', 'after']);
    // The run ended: its lease is given back, so nothing waits for it to run out.
    expect(runRow(dir, owner.runId)).toMatchObject({ status: 'succeeded', owner_host: hostname(), lease_until: 0 });
  }, 30_000);

  it('a run leased by a baton on another host is refused while its lease is fresh and taken over once it expired', async () => {
    const plan = SLOW_PLAN.replace('test -f "$BATON_PROJECT_DIR/again" || sleep 30; ', '');
    const run = await diedAfterStarting(plan, 'nap');
    const now = Date.now();
    // Pid 1 is alive here, but a pid on another host says nothing about this one's processes.
    setLease(run.dir, run.runId, { owner_pid: 1, owner_host: 'other-host', lease_until: now + 60_000, heartbeat_at: now - 3000 });

    const refused = baton(run.dir, ['resume', run.runId]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`^baton: run ${run.runId} is running in pid 1 on other-host \\(lease renewed [34] s ago\\)$`, 'm'));
    expect(listed(run.dir, run.runId)).toBe('running');
    expect(linesOf(run.dir, 'effects')).toEqual([]);

    setLease(run.dir, run.runId, { owner_pid: 1, owner_host: 'other-host', lease_until: Date.now() - 1, heartbeat_at: now - 16_000 });
    expect(listed(run.dir, run.runId)).toBe('interrupted');
    expect(json<RunOut>(baton(run.dir, ['status', run.runId, '--json'])).status).toBe('interrupted');
    const resumed = baton(run.dir, ['resume', run.runId, '--json']);
    expect(resumed.code).toBe(0);
    expect(json<RunOut>(resumed).status).toBe('succeeded');
    expect(linesOf(run.dir, 'effects')).toEqual(['nap', 'after']);
    expect(runRow(run.dir, run.runId)).toMatchObject({ owner_pid: expect.any(Number) as number, owner_host: hostname(), lease_until: 0 });
  }, 30_000);

  it('of three resumes started together on an interrupted run, exactly one runs it and its steps run once', async () => {
    const plan = `
name: once
steps:
  - id: first
    run: [sh, -c, 'sleep 2; echo first >> "$BATON_PROJECT_DIR/effects"']
  - id: second
    run: [sh, -c, 'echo second >> "$BATON_PROJECT_DIR/effects"']
    needs: [first]
`;
    const run = await diedAfterStarting(plan, 'first');
    const racers = [0, 1, 2].map(() => start(run.dir, ['resume', run.runId, '--json']));
    const results = await Promise.all(racers.map((r) => r.done));
    const winners = results.filter((r) => r.code === 0);
    const losers = results.filter((r) => r.code !== 0);
    expect(winners).toHaveLength(1);
    expect(json<RunOut>(winners[0] as CliResult).status).toBe('succeeded');
    const winnerPid = racers[results.indexOf(winners[0] as CliResult)]?.child.pid;
    for (const l of losers) {
      expect(l.code).toBe(2);
      expect(REFUSAL.exec(l.stderr)?.slice(1, 3)).toEqual([run.runId, String(winnerPid)]);
    }
    expect(linesOf(run.dir, 'effects')).toEqual(['first', 'second']);
    const out = json<RunOut>(baton(run.dir, ['status', run.runId, '--json']));
    expect(out.steps.map((s) => [s.id, s.status, s.attempts])).toEqual([['first', 'succeeded', 2], ['second', 'succeeded', 1]]);
  }, 30_000);

  it('a baton whose run was taken over while it could not renew stops driving it', async () => {
    const dir = tempProject({ 'plan.yaml': SLOW_PLAN });
    const owner = await ownedRun(dir);
    // As if this baton had stalled past its lease and one on another host had taken the run.
    setLease(dir, owner.runId, { owner_pid: 1, owner_host: 'other-host', lease_until: Date.now() + 60_000, heartbeat_at: Date.now() });
    const result = await owner.done;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`run ${owner.runId} was taken over by another baton after this one could not renew its lease`));
    expect(linesOf(dir, 'effects')).toEqual([]);
    expect(runRow(dir, owner.runId)).toMatchObject({ owner_host: 'other-host', owner_pid: 1 });
  }, 30_000);
});

describe('two batons writing one project at once', () => {
  it('two runs started together in a new project, with readers polling, all succeed without a locked database', async () => {
    const step = (id: string, needs: string[]) =>
      `  - id: ${id}\n    run: [sh, -c, 'for i in 1 2 3 4 5 6 7 8; do echo "::progress $i/8"; echo "${id} $i"; sleep 0.1; done; echo "${id}" >> "$BATON_PROJECT_DIR/effects-$BATON_RUN_ID"']\n    needs: [${needs.join(', ')}]\n`;
    const plan = 'name: pair\nsteps:\n' + step('a', []) + step('b', []) + step('c', []) + step('d', ['a', 'b']) + step('e', ['c']) + step('f', ['d', 'e']);
    const dir = tempProject({ 'plan.yaml': plan });
    const runs = [start(dir, ['run', 'plan.yaml', '--yes', '--json']), start(dir, ['run', 'plan.yaml', '--yes', '--json'])];
    let finished = false;
    void Promise.all(runs.map((r) => r.done)).then(() => (finished = true));

    await waitFor(() => existsSync(join(dir, '.baton/baton.db')), 20_000, 'the database');
    const reads: CliResult[] = [];
    while (!finished) {
      const list = start(dir, ['runs', '--json']);
      const listing = await list.done;
      reads.push(listing);
      const first = listing.code === 0 ? json<RunsRow[]>(listing)[0]?.run : undefined;
      if (first !== undefined) reads.push(await start(dir, ['status', first]).done);
    }

    const results = await Promise.all(runs.map((r) => r.done));
    const everything = [...results, ...reads].map((r) => r.stdout + r.stderr).join('\n');
    expect(everything).not.toMatch(/SQLITE_BUSY|locked|busy|database error/i);
    for (const r of results) expect(json<RunOut>(r).status).toBe('succeeded');
    expect(reads.length).toBeGreaterThan(2);
    for (const r of reads) expect(r.code).toBe(0);
    const ids = results.map((r) => json<RunOut>(r).run);
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) expect(linesOf(dir, `effects-${id}`).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  }, 30_000);
});
