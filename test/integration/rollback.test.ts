import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baton, json, linesOf, tempProject } from '../helpers/cli.js';

interface StepOut {
  id: string;
  status: string;
  outputs: Record<string, unknown>;
  undone?: true | string;
  severity?: string;
  escalations?: string[];
}
interface RunOut {
  run: string;
  status: string;
  reason?: string;
  steps: StepOut[];
  rollback?: { status: string; restored?: string; to?: string };
}


// Three steps that each add a file to the shared workspace and record what they did; each has an
// undo that records its own undoing (reading the step's outputs), and the first saves a checkpoint.
const PLAN = `
steps:
  - id: a
    run: [sh, -c, 'echo a > "$BATON_WORKSPACE/a.txt"; echo a >> "$BATON_PROJECT_DIR/done"; echo "made=a.txt" >> "$BATON_OUTPUT"']
    checkpoint: true
    undo: { run: [sh, -c, 'echo "undo $1" >> "$BATON_PROJECT_DIR/undone"', sh, "\${{ steps.a.outputs.made }}"] }
  - id: b
    run: [sh, -c, 'echo b > "$BATON_WORKSPACE/b.txt"; echo b >> "$BATON_PROJECT_DIR/done"; echo "made=b.txt" >> "$BATON_OUTPUT"']
    needs: [a]
    undo: { run: [sh, -c, 'echo "undo $1" >> "$BATON_PROJECT_DIR/undone"', sh, "\${{ steps.b.outputs.made }}"] }
  - id: c
    run: [sh, -c, 'echo c > "$BATON_WORKSPACE/c.txt"; echo c >> "$BATON_PROJECT_DIR/done"']
    needs: [b]
    undo: { run: [sh, -c, 'echo "undo c" >> "$BATON_PROJECT_DIR/undone"'] }
`;

describe('checkpoints and rollback', () => {
  it('baton rollback --to STEP runs the undo steps in reverse order and restores the workspace checkpoint', () => {
    const dir = tempProject({ 'p.yaml': PLAN });
    const run = json<RunOut>(baton(dir, ['run', 'p.yaml', '--yes', '--json']));
    expect(run.status).toBe('succeeded');
    const ws = join(dir, '.baton/runs', run.run);
    expect(['a.txt', 'b.txt', 'c.txt'].every((f) => existsSync(join(ws, f)))).toBe(true);

    const r = baton(dir, ['rollback', run.run, '--to', 'a', '--json']);
    expect(r.code).toBe(0);
    const out = json<RunOut>(r);
    expect(linesOf(dir, 'undone')).toEqual(['undo c', 'undo b.txt']);
    expect(out.rollback).toMatchObject({ status: 'done', to: 'a', restored: 'a' });
    expect(out.steps.map((s) => [s.id, s.undone ?? null])).toEqual([
      ['a', null],
      ['b', true],
      ['c', true],
    ]);
    expect(existsSync(join(ws, 'a.txt'))).toBe(true);
    expect(existsSync(join(ws, 'b.txt'))).toBe(false);
    expect(existsSync(join(ws, 'c.txt'))).toBe(false);
    // A second rollback to the same point has nothing left to undo.
    expect(baton(dir, ['rollback', run.run, '--to', 'a']).code).toBe(0);
    expect(linesOf(dir, 'undone')).toHaveLength(2);
    // Then the rest.
    expect(baton(dir, ['rollback', run.run]).stdout).toContain('a ↶ undone');
    expect(linesOf(dir, 'undone')).toEqual(['undo c', 'undo b.txt', 'undo a.txt']);
  });

  it('a critical failure stops the run and rolls back what completed', () => {
    const dir = tempProject({
      'p.yaml': `${PLAN}
  - id: deploy
    run: [sh, -c, 'echo "health check failed" >&2; exit 1']
    needs: [c]
    severity: critical
  - id: never
    run: ["true"]
    needs: [deploy]
`,
    });
    const r = baton(dir, ['run', 'p.yaml', '--yes', '--json']);
    expect(r.code).toBe(1);
    const out = json<RunOut>(r);
    expect(out.status).toBe('failed');
    expect(out.reason).toBe('deploy failed (critical); rolled back 3 steps');
    expect(linesOf(dir, 'undone')).toEqual(['undo c', 'undo b.txt', 'undo a.txt']);
    expect(out.steps.find((s) => s.id === 'deploy')).toMatchObject({ status: 'failed', severity: 'critical' });
  });

  it('repeated warnings escalate to an error and the on_failure hook hears about it', () => {
    const dir = tempProject({
      '.baton/config.yaml': `escalateAfter: 2\nhooks: { on_failure: [sh, -c, 'echo "$BATON_STEP_ID $BATON_SEVERITY $BATON_ERROR" >> "$BATON_PROJECT_DIR/alerts"'] }\n`,
      'p.yaml': `
steps:
  - id: noisy
    run: [sh, -c, 'echo "::warning disk almost full"; echo "::warning disk fuller"; echo ok']
  - id: flaky
    run: [sh, -c, 'echo "connection reset" >&2; exit 1']
    retry: { attempts: 3, initial: 10ms }
    continueOnError: true
`,
    });
    const out = json<RunOut>(baton(dir, ['run', 'p.yaml', '--yes', '--json']));
    expect(out.status).toBe('degraded');
    const byId = Object.fromEntries(out.steps.map((s) => [s.id, s]));
    expect(byId.noisy).toMatchObject({ status: 'succeeded', escalations: ['warning → error: 2 warnings'] });
    expect(byId.flaky).toMatchObject({ status: 'failed', severity: 'error', escalations: ['warning → error: 2 failed attempts in a row'] });
    expect(linesOf(dir, 'alerts').sort()).toEqual(['flaky error escalated: 2 failed attempts in a row', 'flaky error exit code 1', 'noisy error escalated: 2 warnings']);
  });
});
