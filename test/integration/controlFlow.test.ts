import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baton, batonAsync, json, linesOf, tempProject, waitFor } from '../helpers/cli.js';

interface StepOut {
  id: string;
  status: string;
  attempts: number;
  outputs: Record<string, unknown>;
  reason?: string;
  error?: string;
}
interface RunOut {
  run: string;
  status: string;
  reason?: string;
  steps: StepOut[];
}


function byId(out: RunOut): Record<string, StepOut> {
  return Object.fromEntries(out.steps.map((s) => [s.id, s]));
}

describe('control flow', () => {
  it('forEach over 5 items runs at most 3 at a time and aggregates the outputs; best() keeps the best', () => {
    // Each instance records how many instances run at the same moment, through a shared folder.
    const dir = tempProject({
      'p.yaml': `
name: sweep
steps:
  - id: train
    forEach: [0.1, 0.3, 0.9, 0.5, 0.2]
    run: [sh, -c, 'mkdir -p "$BATON_PROJECT_DIR/live"; touch "$BATON_PROJECT_DIR/live/$BATON_INDEX"; ls "$BATON_PROJECT_DIR/live" | wc -l >> "$BATON_PROJECT_DIR/concurrency"; sleep 0.3; rm "$BATON_PROJECT_DIR/live/$BATON_INDEX"; echo "accuracy=$1" >> "$BATON_OUTPUT"; echo "model=m$BATON_INDEX" >> "$BATON_OUTPUT"', sh, "\${{ item }}"]
  - id: keep
    run: [sh, -c, 'echo "model=$1" >> "$BATON_OUTPUT"', sh, "\${{ best(steps.train.outputs, 'accuracy').model }}"]
    needs: [train]
`,
    });
    const out = json<RunOut>(baton(dir, ['run', 'p.yaml', '--yes', '--json', '--parallel', '3']));
    expect(out.status).toBe('succeeded');
    const steps = byId(out);
    expect(out.steps.map((s) => s.id)).toEqual(['train', 'train[0]', 'train[1]', 'train[2]', 'train[3]', 'train[4]', 'keep']);
    expect(steps.train?.outputs).toEqual({ accuracy: [0.1, 0.3, 0.9, 0.5, 0.2], model: ['m0', 'm1', 'm2', 'm3', 'm4'], items: [0.1, 0.3, 0.9, 0.5, 0.2], count: 5 });
    expect(steps.keep?.outputs).toEqual({ model: 'm2' });
    const seen = linesOf(dir, 'concurrency').map(Number);
    expect(Math.max(...seen)).toBeLessThanOrEqual(3);
    expect(Math.max(...seen)).toBeGreaterThan(1);
  });

  it('forEach over an upstream output; one failed instance fails the forEach step', () => {
    const dir = tempProject({
      'p.yaml': `
steps:
  - id: list
    run: [sh, -c, 'echo "{\\"models\\": [\\"tree\\", \\"forest\\", \\"broken\\"]}" > "$BATON_OUTPUT"']
  - id: train
    forEach: "\${{ steps.list.outputs.models }}"
    run: [sh, -c, '[ "$BATON_ITEM" != broken ] && echo "name=$BATON_ITEM" >> "$BATON_OUTPUT"']
    needs: [list]
`,
    });
    const r = baton(dir, ['run', 'p.yaml', '--yes', '--json']);
    expect(r.code).toBe(1);
    const steps = byId(json<RunOut>(r));
    expect(steps.train).toMatchObject({ status: 'failed', error: '1 of 3 instances failed: train[2]' });
    expect(steps['train[0]']).toMatchObject({ status: 'succeeded', outputs: { name: 'tree' } });
  });

  it('until stops at the condition, or at maxIterations, and says which; each iteration has its own log', () => {
    const dir = tempProject({
      'p.yaml': `
steps:
  - id: improve
    run: [sh, -c, 'echo "loss=$(( 100 / $BATON_ITERATION ))" >> "$BATON_OUTPUT"; echo "iteration $BATON_ITERATION"']
    until: outputs.loss < 30
    maxIterations: 10
  - id: capped
    run: [sh, -c, 'echo "loss=50" >> "$BATON_OUTPUT"']
    until: outputs.loss < 30
    maxIterations: 3
`,
    });
    const out = json<RunOut>(baton(dir, ['run', 'p.yaml', '--yes', '--json']));
    const steps = byId(out);
    expect(steps.improve).toMatchObject({ status: 'succeeded', attempts: 4, outputs: { loss: 25 }, reason: 'until met after 4 iterations' });
    expect(steps.capped).toMatchObject({ status: 'succeeded', attempts: 3, reason: 'stopped at maxIterations (3) before until held' });
    expect(baton(dir, ['logs', out.run, 'improve', '--attempt', '2']).stdout).toBe('iteration 2\n');
  });

  it('if/else: the else branch runs when the condition is false; a dependant with its own if decides for itself', () => {
    const dir = tempProject({
      'p.yaml': `
vars: { threshold: 0.9 }
steps:
  - id: evaluate
    run: [sh, -c, 'echo "accuracy=0.7" >> "$BATON_OUTPUT"']
  - id: deploy
    run: [sh, -c, 'echo deploy >> "$BATON_PROJECT_DIR/effects"']
    needs: [evaluate]
    if: steps.evaluate.outputs.accuracy > vars.threshold
    else: [retrain]
  - id: retrain
    run: [sh, -c, 'echo retrain >> "$BATON_PROJECT_DIR/effects"']
  - id: announce
    run: [sh, -c, 'echo announce >> "$BATON_PROJECT_DIR/effects"']
    needs: [deploy]
  - id: notify
    run: [sh, -c, 'echo "notify $1" >> "$BATON_PROJECT_DIR/effects"', sh, "\${{ steps.deploy.status }}"]
    needs: [deploy]
    if: steps.deploy.status == "skipped"
`,
    });
    const out = json<RunOut>(baton(dir, ['run', 'p.yaml', '--yes', '--json']));
    expect(out.status).toBe('succeeded');
    const steps = byId(out);
    expect(steps.deploy).toMatchObject({ status: 'skipped', reason: 'if: steps.evaluate.outputs.accuracy > vars.threshold was false' });
    expect(steps.retrain?.status).toBe('succeeded');
    expect(steps.announce).toMatchObject({ status: 'skipped', reason: 'needs deploy, which was skipped' });
    expect(linesOf(dir, 'effects').sort()).toEqual(['notify skipped', 'retrain']);
    const plan = baton(dir, ['plan', 'p.yaml']).stdout;
    expect(plan).toContain('else of deploy');
  });

  it('a step whose if reads a failed need\'s status runs in its place (a fallback written as a step)', () => {
    const dir = tempProject({
      'p.yaml': `
steps:
  - id: big
    run: [sh, -c, 'exit 1']
    continueOnError: true
  - id: small
    run: [sh, -c, 'echo "model=small" >> "$BATON_OUTPUT"']
    needs: [big]
    if: steps.big.status == "failed"
  - id: report
    run: [sh, -c, 'echo "used=$1" >> "$BATON_OUTPUT"', sh, "\${{ steps.small.outputs.model }}"]
    needs: [small]
`,
    });
    const out = json<RunOut>(baton(dir, ['run', 'p.yaml', '--yes', '--json']));
    expect(out.status).toBe('degraded');
    expect(byId(out).small?.status).toBe('succeeded');
    expect(byId(out).report?.outputs).toEqual({ used: 'small' });
  });

  it('cross-workflow variables: baton vars set, ${{ store.x }} in a plan, export from a step, a clear error when missing', () => {
    const dir = tempProject({
      'publish.yaml': `
steps:
  - id: deploy
    run: [sh, -c, 'echo "version=$(( $1 + 1 ))" >> "$BATON_OUTPUT"', sh, "\${{ store.prod_version }}"]
    export: { prod_version: "\${{ steps.deploy.outputs.version }}" }
`,
      'missing.yaml': 'steps:\n  - { id: a, run: [echo, "${{ store.nothing_here }}"] }\n',
      'badvar.yaml': 'vars: { threshold: 1 }\nsteps:\n  - { id: a, run: [echo, "${{ vars.treshold }}"] }\n',
    });
    expect(baton(dir, ['vars', 'set', 'prod_version', '3']).code).toBe(0);
    expect(byId(json<RunOut>(baton(dir, ['run', 'publish.yaml', '--yes', '--json']))).deploy?.outputs).toEqual({ version: 4 });
    expect(baton(dir, ['vars', 'get', 'prod_version']).stdout).toBe('4\n');
    expect(byId(json<RunOut>(baton(dir, ['run', 'publish.yaml', '--yes', '--json']))).deploy?.outputs).toEqual({ version: 5 });
    expect(baton(dir, ['vars', 'ls']).stdout).toMatch(/^prod_version\s+5\s+run [0-9a-f]{8}/m);

    const missing = json<RunOut>(baton(dir, ['run', 'missing.yaml', '--yes', '--json']));
    expect(missing.steps[0]?.error).toContain('no stored variable "nothing_here": set it with `baton vars set nothing_here VALUE`');
    const bad = baton(dir, ['run', 'badvar.yaml', '--yes']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('reads vars.treshold, which the plan does not define (did you mean "threshold"?)');
  });

  it('kill -9 in the middle of a forEach, then resume: every instance ran exactly once', async () => {
    const dir = tempProject({
      'p.yaml': `
steps:
  - id: sweep
    forEach: [a, b, c, d, e, f]
    run: [sh, -c, 'sleep 0.4; echo "$BATON_ITEM" >> "$BATON_PROJECT_DIR/effects"; echo "done=$BATON_ITEM" >> "$BATON_OUTPUT"']
  - id: after
    run: [sh, -c, 'echo after >> "$BATON_PROJECT_DIR/effects"']
    needs: [sweep]
`,
    });
    const child = batonAsync(dir, ['run', 'p.yaml', '--yes', '--parallel', '2']);
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    await waitFor(() => linesOf(dir, 'effects').length >= 2, 20_000, 'two instances');
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    const runId = /run ([0-9a-f]{8}) started/.exec(stdout)?.[1] ?? '';
    const out = json<RunOut>(baton(dir, ['resume', runId, '--json']));
    expect(out.status).toBe('succeeded');
    expect(linesOf(dir, 'effects').sort()).toEqual(['a', 'after', 'b', 'c', 'd', 'e', 'f']);
    expect(byId(out).sweep?.outputs.done).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    const db = new Database(join(dir, '.baton/baton.db'), { readonly: true });
    try {
      expect(db.prepare("select count(*) from events where run_id = ? and type = 'step.expanded'").pluck().get(runId)).toBe(1);
    } finally {
      db.close();
    }
  });
});
