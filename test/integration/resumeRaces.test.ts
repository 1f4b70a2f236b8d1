import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { claimAttempt } from '../../src/engine/recovery.js';
import { diedAfterStarting, launchAndDie, launchSpec } from '../helpers/crashedRun.js';
import { baton, json, linesOf } from '../helpers/cli.js';

const PLAN = `
name: two
steps:
  - id: first
    run: [sh, -c, 'sleep 0.3; echo first >> "$BATON_PROJECT_DIR/effects"']
  - id: second
    run: [sh, -c, 'echo second >> "$BATON_PROJECT_DIR/effects"']
    needs: [first]
`;

describe('resume after baton died as a step was starting', () => {
  it('a step whose start report found baton gone still records its exit code, and resume keeps its result', async () => {
    const run = await diedAfterStarting(PLAN, 'first');
    const spec = launchSpec(run, 'first', ['sh', '-c', 'sleep 0.3; echo first >> "$BATON_PROJECT_DIR/effects"']);
    await launchAndDie(spec);
    // The step outlives its baton and finishes; its wrapper must live to write down how it ended.
    const deadline = Date.now() + 5000;
    while (linesOf(run.dir, 'effects').length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(spec.exitFile)).toBe(true);

    const started = Date.now();
    const out = json<{ status: string; steps: { id: string; attempts: number; status: string }[] }>(baton(run.dir, ['resume', run.runId, '--json']));
    expect(out.status).toBe('succeeded');
    expect(out.steps[0]).toMatchObject({ id: 'first', status: 'succeeded', attempts: 1 });
    expect(linesOf(run.dir, 'effects')).toEqual(['first', 'second']);
    expect(Date.now() - started).toBeLessThan(4000);
  });
});

describe('resume after an earlier resume died', () => {
  it('an attempt an earlier resume had claimed is settled at once, not waited for as if its wrapper had it', async () => {
    const run = await diedAfterStarting(PLAN, 'first');
    // The earlier resume claimed the attempt (so no queued job line can start it) and died before recording anything.
    expect(claimAttempt(run.paths.attemptFile('first', 1, 'claim'))).toBe(true);
    const started = Date.now();
    const out = json<{ status: string; steps: { id: string; attempts: number; status: string }[] }>(baton(run.dir, ['resume', run.runId, '--json']));
    expect(out.status).toBe('succeeded');
    expect(out.steps[0]).toMatchObject({ id: 'first', status: 'succeeded', attempts: 2 });
    expect(linesOf(run.dir, 'effects')).toEqual(['first', 'second']);
    // Waiting for a wrapper's pid and exit code would take the kill grace (5 s) twice.
    expect(Date.now() - started).toBeLessThan(4000);
  });
});
