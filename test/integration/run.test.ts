import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baton, json, tempProject } from '../helpers/cli.js';

const SIX_STEPS = `
name: six
steps:
  - id: fetch
    run: [sh, -c, 'echo "rows=120" >> "$BATON_OUTPUT"; echo fetch >> "$BATON_PROJECT_DIR/effects"']
  - id: left_a
    run: [sh, -c, 'sleep 0.4; echo "value=$1" >> "$BATON_OUTPUT"; echo left_a >> "$BATON_PROJECT_DIR/effects"', sh, "\${{ steps.fetch.outputs.rows * 2 }}"]
    needs: [fetch]
  - id: right_a
    run: [sh, -c, 'sleep 0.4; echo "label=$1" >> "$BATON_OUTPUT"; echo right_a >> "$BATON_PROJECT_DIR/effects"', sh, "x; touch pwned \`touch pwned2\` $(touch pwned3)"]
    needs: [fetch]
  - id: left_b
    run: [sh, -c, 'echo "value=$(($1 + 1))" >> "$BATON_OUTPUT"; echo left_b >> "$BATON_PROJECT_DIR/effects"', sh, "\${{ steps.left_a.outputs.value }}"]
    needs: [left_a]
  - id: right_b
    run: [sh, -c, 'echo "::progress 1/2 half way"; printf "%s" "$1" > label.txt; echo "file=$PWD/label.txt" >> "$BATON_OUTPUT"; echo right_b >> "$BATON_PROJECT_DIR/effects"', sh, "\${{ steps.right_a.outputs.label }}"]
    needs: [right_a]
  - id: join
    run: [sh, -c, 'echo "{\\"total\\": $1, \\"label\\": \\"$(cat "$2")\\"}" > "$BATON_OUTPUT"; echo join >> "$BATON_PROJECT_DIR/effects"', sh, "\${{ steps.left_b.outputs.value }}", "\${{ steps.right_b.outputs.file }}"]
    needs: [left_b, right_b]
`;

interface RunOut {
  run: string;
  status: string;
  steps: { id: string; status: string; attempts: number; outputs: Record<string, unknown> }[];
}

describe('baton run', () => {
  it('runs a 6-step plan with two parallel branches, passing outputs downstream as argv', () => {
    const dir = tempProject({ 'six.yaml': SIX_STEPS });
    const r = baton(dir, ['run', 'six.yaml', '--yes', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = json<RunOut>(r);
    expect(out.status).toBe('succeeded');
    const outputs = Object.fromEntries(out.steps.map((s) => [s.id, s.outputs]));
    expect(outputs.fetch).toEqual({ rows: 120 });
    expect(outputs.left_a).toEqual({ value: 240 });
    expect(outputs.left_b).toEqual({ value: 241 });
    // The hostile text reached the step as one argv element and was never run by a shell.
    expect(outputs.right_a).toEqual({ label: 'x; touch pwned `touch pwned2` $(touch pwned3)' });
    expect(outputs.join).toEqual({ total: 241, label: 'x; touch pwned `touch pwned2` $(touch pwned3)' });
    for (const f of ['pwned', 'pwned2', 'pwned3']) expect(existsSync(join(dir, f))).toBe(false);
    expect(readFileSync(join(dir, 'effects'), 'utf8').trim().split('\n').sort()).toEqual(['fetch', 'join', 'left_a', 'left_b', 'right_a', 'right_b']);

    const db = new Database(join(dir, '.baton/baton.db'), { readonly: true });
    try {
      expect(db.prepare('select status from runs where id = ?').pluck().get(out.run)).toBe('succeeded');
      const steps = db.prepare('select step_id, status, attempts from steps where run_id = ? order by position').all(out.run);
      expect(steps).toEqual(['fetch', 'left_a', 'right_a', 'left_b', 'right_b', 'join'].map((id) => ({ step_id: id, status: 'succeeded', attempts: 1 })));
      const attempts = db.prepare("select count(*) from attempts where run_id = ? and status = 'succeeded' and pid is not null").pluck().get(out.run);
      expect(attempts).toBe(6);
      const types = db.prepare('select type, step_id from events where run_id = ? order by seq').all(out.run) as { type: string; step_id: string }[];
      expect(types[0]?.type).toBe('run.created');
      expect(types.at(-1)?.type).toBe('run.finished');
      expect(types.some((e) => e.type === 'step.progress' && e.step_id === 'right_b')).toBe(true);
      // The two branches overlapped: both started before either finished.
      const seq = (type: string, step: string) => types.findIndex((e) => e.type === type && e.step_id === step);
      expect(seq('step.started', 'right_a')).toBeLessThan(seq('step.succeeded', 'left_a'));
      expect(seq('step.started', 'left_a')).toBeLessThan(seq('step.succeeded', 'right_a'));
    } finally {
      db.close();
    }
  });

  it('prints plain progress lines without a terminal, then a summary, and keeps logs per step', () => {
    const dir = tempProject({ 'six.yaml': SIX_STEPS });
    const r = baton(dir, ['run', 'six.yaml', '--yes']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/\u001b\[/);
    expect(r.stdout).toMatch(/^\[\d\d:\d\d:\d\d\] fetch ▶ started on shell$/m);
    expect(r.stdout).toMatch(/^\[\d\d:\d\d:\d\d\] join ✔ \d+ms$/m);
    expect(r.stdout).toMatch(/right_b … 1\/2 half way/);
    const runId = /run ([0-9a-f]{8}) succeeded/.exec(r.stdout)?.[1] ?? '';
    expect(runId).not.toBe('');

    const status = json<RunOut>(baton(dir, ['status', runId.slice(0, 4), '--json']));
    expect(status.status).toBe('succeeded');
    expect(status.steps.map((s) => s.status)).toEqual(Array(6).fill('succeeded'));
    const logs = baton(dir, ['logs', runId, 'right_b']);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain('::progress 1/2 half way');
    const runs = baton(dir, ['runs']);
    expect(runs.stdout).toMatch(new RegExp(`${runId}\\s+six\\s+succeeded`));
  });

  it('without --yes and without a terminal, shows the plan and runs nothing', () => {
    const dir = tempProject({ 'six.yaml': SIX_STEPS });
    const r = baton(dir, ['run', 'six.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('critical path');
    expect(r.stdout).toContain('pass --yes');
    expect(existsSync(join(dir, 'effects'))).toBe(false);
  });

  it('retries a failing step with backoff, and a condition skips a step', () => {
    const plan = `
name: flaky
vars: { threshold: 0.9 }
steps:
  - id: flaky
    run: [sh, -c, 'n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; [ $n -ge 2 ] && echo "accuracy=0.8" >> "$BATON_OUTPUT"; [ $n -ge 2 ]']
    retry: { attempts: 3, backoff: fixed, initial: 100ms }
  - id: deploy
    run: [sh, -c, 'echo deployed >> "$BATON_PROJECT_DIR/effects"']
    needs: [flaky]
    if: steps.flaky.outputs.accuracy > vars.threshold
`;
    const dir = tempProject({ 'flaky.yaml': plan });
    const out = json<RunOut & { steps: { reason?: string }[] }>(baton(dir, ['run', 'flaky.yaml', '--yes', '--json']));
    expect(out.status).toBe('succeeded');
    expect(out.steps[0]).toMatchObject({ id: 'flaky', status: 'succeeded', attempts: 2, outputs: { accuracy: 0.8 } });
    expect(out.steps[1]).toMatchObject({ id: 'deploy', status: 'skipped', reason: 'if: steps.flaky.outputs.accuracy > vars.threshold was false' });
    expect(existsSync(join(dir, 'effects'))).toBe(false);
  });

  it('stops a step at its timeout (self-healing doubles it twice), then fails the run with exit code 1', () => {
    const plan = `
steps:
  - id: slow
    run: [sleep, "30"]
    timeout: 200ms
  - id: after
    run: ["true"]
    needs: [slow]
`;
    const dir = tempProject({ 'slow.yaml': plan });
    const started = Date.now();
    const r = baton(dir, ['run', 'slow.yaml', '--yes', '--json'], { BATON_KILL_GRACE: '1s' });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.code).toBe(1);
    const out = json<RunOut & { steps: { error?: string; reason?: string }[] }>(r);
    expect(out.status).toBe('failed');
    expect(out.steps[0]).toMatchObject({
      status: 'failed',
      attempts: 3,
      error: 'timed out after 800ms',
      healed: ['timeout after 200ms: retrying with 400ms', 'timeout after 400ms: retrying with 800ms'],
    });
    expect(out.steps[1]).toMatchObject({ status: 'skipped', reason: 'needs slow, which failed' });
  });
});
