import Database from 'better-sqlite3';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baton, batonAsync, json, linesOf, tempProject, waitFor } from '../helpers/cli.js';

// Eight steps in two parallel chains that meet; each takes a moment and leaves one line behind
// as its last act, so a step that ran twice shows up as a doubled line.
const STEP = (id: string, needs: string[]) =>
  `  - id: ${id}\n    run: [sh, -c, 'sleep 0.5; echo "${id}" >> "$BATON_PROJECT_DIR/effects"; echo "done=1" >> "$BATON_OUTPUT"']\n    needs: [${needs.join(', ')}]\n`;
const PLAN =
  'name: chains\nsteps:\n' +
  STEP('a', []) +
  STEP('b1', ['a']) + STEP('b2', ['b1']) + STEP('b3', ['b2']) +
  STEP('c1', ['a']) + STEP('c2', ['c1']) + STEP('c3', ['c2']) +
  STEP('d', ['b3', 'c3']);
const IDS = ['a', 'b1', 'b2', 'b3', 'c1', 'c2', 'c3', 'd'];


/** Command lines of live processes started as steps of this project (found by their environment). */
function stepProcesses(dir: string): string {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (!environ.includes(`BATON_PROJECT_DIR=${dir}`)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      found.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim());
    } catch {
      // Exited while we looked, or not ours to read.
    }
  }
  return found.join('\n');
}

interface RunOut {
  run: string;
  status: string;
  steps: { id: string; status: string }[];
}

describe('resume after a crash', () => {
  it('kill -9 of baton mid-run, then resume: every step ran exactly once and nothing is left running', async () => {
    const dir = tempProject({ 'plan.yaml': PLAN });
    const child = batonAsync(dir, ['run', 'plan.yaml', '--yes']);
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    await waitFor(() => linesOf(dir, 'effects').length >= 3, 20_000, 'three steps to finish');
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    const runId = /run ([0-9a-f]{8}) started/.exec(stdout)?.[1] ?? '';
    expect(runId).toMatch(/^[0-9a-f]{8}$/);

    const before = json<RunOut>(baton(dir, ['status', runId, '--json']));
    expect(before.status).toBe('interrupted');

    const resumed = baton(dir, ['resume', runId, '--json']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const after = json<RunOut>(resumed);
    expect(after.status).toBe('succeeded');
    expect(after.steps.map((s) => s.status)).toEqual(Array(IDS.length).fill('succeeded'));
    expect(linesOf(dir, 'effects').sort()).toEqual([...IDS].sort());
    expect(stepProcesses(dir)).toBe('');

    const db = new Database(join(dir, '.baton/baton.db'), { readonly: true });
    try {
      expect(db.prepare('pragma integrity_check').pluck().get()).toBe('ok');
      const succeeded = db.prepare("select step_id, count(*) as n from attempts where run_id = ? and status = 'succeeded' group by step_id").all(runId);
      expect(succeeded).toHaveLength(IDS.length);
      for (const row of succeeded as { n: number }[]) expect(row.n).toBe(1);
      expect(db.prepare('select status from runs where id = ?').pluck().get(runId)).toBe('succeeded');
    } finally {
      db.close();
    }
    // Resuming a finished run changes nothing.
    const again = baton(dir, ['resume', runId, '--json']);
    expect(again.code).toBe(0);
    expect(linesOf(dir, 'effects')).toHaveLength(IDS.length);
  });

  it('Ctrl-C cancels cleanly (children stopped, status cancelled), and resume finishes the run', async () => {
    const plan = 'name: long\nsteps:\n  - id: quick\n    run: [sh, -c, \'echo quick >> "$BATON_PROJECT_DIR/effects"\']\n  - id: long\n    run: [sleep, "30"]\n    needs: [quick]\n';
    const dir = tempProject({ 'plan.yaml': plan });
    const child = batonAsync(dir, ['run', 'plan.yaml', '--yes', '--json']);
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    await waitFor(() => stepProcesses(dir).includes('sleep'), 20_000, 'the long step to start');
    child.kill('SIGINT');
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(1);
    const out = JSON.parse(stdout) as RunOut;
    expect(out.status).toBe('cancelled');
    expect(out.steps).toEqual([
      expect.objectContaining({ id: 'quick', status: 'succeeded' }),
      expect.objectContaining({ id: 'long', status: 'cancelled' }),
    ]);
    expect(stepProcesses(dir)).toBe('');

    // Resume re-runs only the unfinished step (a default timeout keeps this test short).
    writeFileSync(join(dir, '.baton/config.yaml'), 'healAttempts: 0\n');
    const resumed = baton(dir, ['resume', out.run, '--json'], { BATON_DEFAULT_TIMEOUT: '300ms' });
    const after = json<RunOut & { steps: { attempts: number; error?: string }[] }>(resumed);
    expect(after.steps[0]).toMatchObject({ id: 'quick', status: 'succeeded', attempts: 1 });
    expect(after.steps[1]).toMatchObject({ id: 'long', status: 'failed', attempts: 2, error: 'timed out after 300ms' });
    expect(linesOf(dir, 'effects')).toEqual(['quick']);
  });
});

describe('resume in the middle of control flow', () => {
  it('kill -9 during a retry wait: resume keeps the countdown and the attempt count, and the step succeeds', async () => {
    const plan = `
steps:
  - id: flaky
    run: [sh, -c, 'echo "try $BATON_ATTEMPT" >> "$BATON_PROJECT_DIR/effects"; [ "$BATON_ATTEMPT" -ge 2 ]']
    retry: { attempts: 3, backoff: fixed, initial: 2s }
`;
    const dir = tempProject({ 'plan.yaml': plan });
    const child = batonAsync(dir, ['run', 'plan.yaml', '--yes']);
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    await waitFor(() => stdout.includes('retrying in'), 20_000, 'the retry wait');
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    const runId = /run ([0-9a-f]{8}) started/.exec(stdout)?.[1] ?? '';
    const status = json<RunOut & { steps: { status: string }[] }>(baton(dir, ['status', runId, '--json']));
    expect(status.steps[0]?.status).toBe('retrying');
    const out = json<RunOut & { steps: { attempts: number }[] }>(baton(dir, ['resume', runId, '--json']));
    expect(out.status).toBe('succeeded');
    expect(out.steps[0]?.attempts).toBe(2);
    expect(linesOf(dir, 'effects')).toEqual(['try 1', 'try 2']);
  });
});
