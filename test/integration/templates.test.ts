import { describe, expect, it } from 'vitest';
import { baton, batonAsync, json, linesOf, tempProject, waitFor } from '../helpers/cli.js';

interface StepOut {
  id: string;
  status: string;
  outputs: Record<string, unknown>;
  error?: string;
  reason?: string;
}
interface RunOut {
  run: string;
  status: string;
  steps: StepOut[];
}

const SCORE = `
name: score
description: Scale a number through two steps
params:
  base: { type: integer, required: true }
  factor: { type: integer, default: 2 }
vars: { offset: 1 }
outputs:
  result: "\${{ steps.scale.outputs.value }}"
steps:
  - id: prepare
    run: [sh, -c, 'echo "value=$(( $1 + $2 ))" >> "$BATON_OUTPUT"; echo "prepare $1" >> "$BATON_PROJECT_DIR/effects"', sh, "\${{ params.base }}", "\${{ vars.offset }}"]
  - id: scale
    run: [sh, -c, 'sleep 0.2; echo "value=$(( $1 * $2 ))" >> "$BATON_OUTPUT"; echo "scale $1" >> "$BATON_PROJECT_DIR/effects"', sh, "\${{ steps.prepare.outputs.value }}", "\${{ params.factor }}"]
    needs: [prepare]
`;

const OUTER = `
name: outer
params:
  start: { type: integer, default: 1 }
outputs:
  final: "\${{ steps.inner.outputs.result }}"
steps:
  - id: inner
    uses: score
    with: { base: "\${{ params.start }}", factor: 10 }
`;


describe('templates and nested workflows', () => {
  it('a step uses a template with parameters; its outputs reach the parent; its own vars and steps are scoped', () => {
    const dir = tempProject({
      '.baton/templates/score.yaml': SCORE,
      'p.yaml': `
vars: { offset: 100 }
steps:
  - id: first
    run: [sh, -c, 'echo "n=4" >> "$BATON_OUTPUT"']
  - id: scored
    uses: score
    with: { base: "\${{ steps.first.outputs.n }}" }
    needs: [first]
  - id: report
    run: [sh, -c, 'echo "got=$1" >> "$BATON_OUTPUT"', sh, "\${{ steps.scored.outputs.result }}"]
    needs: [scored]
`,
    });
    const out = json<RunOut>(baton(dir, ['run', 'p.yaml', '--yes', '--json']));
    expect(out.status).toBe('succeeded');
    expect(out.steps.map((s) => [s.id, s.status])).toEqual([
      ['first', 'succeeded'],
      ['scored', 'succeeded'],
      ['scored.prepare', 'succeeded'],
      ['scored.scale', 'succeeded'],
      ['report', 'succeeded'],
    ]);
    // The template's own vars.offset (1), not the plan's (100): (4 + 1) * 2.
    expect(out.steps.find((s) => s.id === 'scored')?.outputs).toEqual({ result: 10 });
    expect(out.steps.find((s) => s.id === 'report')?.outputs).toEqual({ got: 10 });
    const plan = baton(dir, ['plan', 'p.yaml']).stdout;
    expect(plan).toContain('uses score with base=${{ steps.first.outputs.n }}');
    expect(plan).toMatch(/│\s+scored\.scale/);
  });

  it('templates nest; recursion, missing parameters and unknown templates are refused at plan time', () => {
    const dir = tempProject({
      '.baton/templates/score.yaml': SCORE,
      '.baton/templates/outer.yaml': OUTER,
      '.baton/templates/loop_a.yaml': 'steps:\n  - { id: x, uses: loop_b }\n',
      '.baton/templates/loop_b.yaml': 'steps:\n  - { id: y, uses: loop_a }\n',
      'nested.yaml': 'steps:\n  - { id: top, uses: outer, with: { start: 2 } }\n',
      'loop.yaml': 'steps:\n  - { id: top, uses: loop_a }\n',
      'missing.yaml': 'steps:\n  - { id: top, uses: score }\n  - { id: other, uses: scroe }\n',
    });
    const out = json<RunOut>(baton(dir, ['run', 'nested.yaml', '--yes', '--json']));
    expect(out.status).toBe('succeeded');
    // (2 + 1) * 10
    expect(out.steps.find((s) => s.id === 'top')?.outputs).toEqual({ final: 30 });
    expect(out.steps.map((s) => s.id)).toContain('top.inner.scale');

    const loop = baton(dir, ['run', 'loop.yaml', '--yes']);
    expect(loop.code).toBe(2);
    expect(loop.stderr).toContain('template "loop_a" uses itself (loop → loop_a → loop_b → loop_a)');
    const missing = baton(dir, ['plan', 'missing.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('step "top": template "score" needs parameter "base"');
    expect(missing.stderr).toContain('unknown template "scroe" (did you mean "score"?)');
  });

  it('a failing nested step fails the uses step; a skipped uses step skips its workflow', () => {
    const dir = tempProject({
      '.baton/templates/breaks.yaml': 'steps:\n  - { id: ok, run: ["true"] }\n  - { id: bad, run: [sh, -c, "exit 3"], needs: [ok] }\n',
      'p.yaml': `
steps:
  - { id: broken, uses: breaks }
  - { id: never, uses: breaks, if: "false" }
`,
    });
    const r = baton(dir, ['run', 'p.yaml', '--yes', '--json']);
    expect(r.code).toBe(1);
    const steps = Object.fromEntries(json<RunOut>(r).steps.map((s) => [s.id, s]));
    expect(steps.broken).toMatchObject({ status: 'failed', error: 'its workflow failed at broken.bad' });
    expect(steps['never.ok']).toMatchObject({ status: 'skipped', reason: 'its workflow never did not run' });
  });

  it('kill -9 inside a nested workflow, then resume: each nested step ran exactly once', async () => {
    const dir = tempProject({ '.baton/templates/score.yaml': SCORE, 'p.yaml': 'steps:\n  - { id: s, uses: score, with: { base: 1 } }\n  - { id: t, uses: score, with: { base: 2 }, needs: [s] }\n' });
    const child = batonAsync(dir, ['run', 'p.yaml', '--yes']);
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    await waitFor(() => linesOf(dir, 'effects').length >= 2, 20_000, 'the first nested steps');
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    const runId = /run ([0-9a-f]{8}) started/.exec(stdout)?.[1] ?? '';
    const out = json<RunOut>(baton(dir, ['resume', runId, '--json']));
    expect(out.status).toBe('succeeded');
    expect(linesOf(dir, 'effects').sort()).toEqual(['prepare 1', 'prepare 2', 'scale 2', 'scale 3']);
    expect(out.steps.find((s) => s.id === 't')?.outputs).toEqual({ result: 6 });
  });

  it('a template runs by name with NAME=VALUE parameters; a missing one says how to give it', () => {
    const dir = tempProject();
    const r = baton(dir, ['run', 'train-and-evaluate', 'dataset=iris', 'model=decision-tree', 'folds=3', '--yes', '--json']);
    expect(r.stderr).toBe('');
    const out = json<RunOut>(r);
    expect(out.status).toBe('succeeded');
    const parent = out.steps.find((s) => s.id === 'train_and_evaluate');
    expect(parent?.outputs.accuracy).toEqual(expect.any(Number));
    expect(out.steps.find((s) => s.id === 'train_and_evaluate.train')?.outputs.folds).toBe(3);

    const missing = baton(dir, ['run', 'train-and-evaluate', '--yes']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('template "train-and-evaluate" needs parameter "dataset"');
    expect(missing.stderr).toContain('hint: give its parameters as NAME=VALUE: train-and-evaluate dataset=…');
  });
});
