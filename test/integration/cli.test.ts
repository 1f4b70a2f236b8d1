import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, baton, json, tempProject } from '../helpers/cli.js';

const PIPELINE = join(ROOT, 'examples/pipeline.yaml');

interface PlanJson {
  steps: { id: string; estimateMs: number }[];
  levels: string[][];
  criticalPath: string[];
  estimatedMs: number;
}

describe('the README tour', () => {
  it('baton plan shows levels, the critical path and estimates; past runs replace the defaults', () => {
    const dir = tempProject();
    const before = json<PlanJson>(baton(dir, ['plan', PIPELINE, '--json']));
    expect(before.levels).toEqual([['prep'], ['validate'], ['split'], ['forest', 'tree'], ['evaluate'], ['deploy']]);
    expect(before.criticalPath).toEqual(['prep', 'validate', 'split', 'forest', 'evaluate', 'deploy']);
    // Defaults from the command files: train estimates 5s.
    expect(before.steps.find((s) => s.id === 'forest')?.estimateMs).toBe(5000);

    const run = json<{ status: string; steps: { id: string; status: string; outputs: Record<string, unknown> }[] }>(baton(dir, ['run', PIPELINE, '--yes', '--json']));
    expect(run.status).toBe('succeeded');
    const byId = Object.fromEntries(run.steps.map((s) => [s.id, s]));
    expect(byId.evaluate?.outputs.accuracy).toBeGreaterThan(0.8);
    expect(byId.deploy).toMatchObject({ status: 'succeeded', outputs: { version: 1, env: 'staging' } });

    const after = json<PlanJson>(baton(dir, ['plan', PIPELINE, '--json']));
    expect(after.steps.find((s) => s.id === 'forest')?.estimateMs).not.toBe(5000);

    const text = baton(dir, ['plan', PIPELINE]).stdout;
    expect(text).toContain('level 4 (2 in parallel)');
    expect(text).toMatch(/critical path: prep → validate → split → forest → evaluate → deploy/);
  });

  it('the control-flow example runs: a sweep, a nested workflow, a loop, a fallback and an else branch', () => {
    const dir = tempProject();
    const out = json<{ status: string; steps: { id: string; status: string; attempts: number; fallback?: string; reason?: string; outputs: Record<string, unknown> }[] }>(
      baton(dir, ['run', join(ROOT, 'examples/control-flow.yaml'), '--yes', '--json']),
    );
    expect(out.status).toBe('succeeded');
    const byId = Object.fromEntries(out.steps.map((s) => [s.id, s]));
    expect(byId.sweep?.outputs.count).toBe(2);
    expect(byId.refine).toMatchObject({ attempts: 4, reason: 'until met after 4 iterations', outputs: { loss: 0.1 } });
    expect(byId.big_model).toMatchObject({ status: 'succeeded', fallback: 'succeeded' });
    expect(byId.holdout?.outputs.accuracy).toBeGreaterThan(0.9);
    expect(byId.deploy?.status).toBe('succeeded');
    expect(byId.explain?.status).toBe('skipped');
    expect(baton(dir, ['vars', 'get', 'staging_version']).stdout).toBe('1\n');
  });

  it('plans and runs a request in plain English; a request missing an answer asks for it', () => {
    const dir = tempProject();
    const request = 'train a random forest on iris then evaluate it, and if accuracy is above 0.9 deploy it to staging';
    const planned = json<{ request: string; confidence: number; clarifications: unknown[]; steps: { id: string; command: string; args: Record<string, unknown>; needs: string[]; if: string | null }[] }>(baton(dir, ['plan', request, '--json']));
    expect(planned).toMatchObject({ request, clarifications: [] });
    expect(planned.confidence).toBeGreaterThan(0.5);
    expect(planned.steps.map((s) => [s.id, s.needs, s.if])).toEqual([
      ['train', [], null],
      ['evaluate', ['train'], null],
      ['deploy', ['evaluate'], 'steps.evaluate.outputs.accuracy > 0.9'],
    ]);
    const run = json<{ status: string; steps: { id: string; status: string }[] }>(baton(dir, ['run', request, '--yes', '--json']));
    expect(run.status).toBe('succeeded');
    expect(run.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);

    const vague = baton(dir, ['run', 'train a knn', '--yes']);
    expect(vague.code).toBe(2);
    expect(vague.stderr).toContain('Which dataset should train use?');
    expect(vague.stderr).toContain('the request needs an answer before it can run');
  });

  it('baton config shows each value and the layer it came from', () => {
    const dir = tempProject({ '.baton/config.yaml': 'parallel: 5\nresources: { gpu: 2 }\n' });
    const r = baton(dir, ['config', '--json'], { BATON_KILL_GRACE: '2s' });
    const out = json<{ config: Record<string, unknown>; sources: Record<string, string> }>(r);
    expect(out.config).toMatchObject({ parallel: 5, resources: { gpu: 2 }, killGraceMs: 2000, defaultTimeoutMs: null });
    expect(out.sources.parallel).toBe(join(dir, '.baton/config.yaml'));
    expect(out.sources.killGraceMs).toBe('env BATON_KILL_GRACE');
    expect(out.sources.agents).toBe('default');
    const flagged = json<{ sources: Record<string, string> }>(baton(dir, ['config', '--json', '--parallel', '2']));
    expect(flagged.sources.parallel).toBe('flag --parallel');
    const table = baton(dir, ['config']).stdout;
    expect(table).toMatch(/^parallel\s+5\s+.*\.baton\/config\.yaml$/m);
  });

  it('baton commands lists the built-in commands; baton alone prints the usage', () => {
    const dir = tempProject();
    const r = baton(dir, ['commands']);
    expect(r.code).toBe(0);
    for (const name of ['ingest', 'train', 'evaluate', 'deploy', 'shell']) expect(r.stdout).toMatch(new RegExp(`^${name}\\s`, 'm'));
    const usage = baton(dir, []);
    expect(usage.code).toBe(0);
    expect(usage.stdout).toContain('baton resume RUN');
  });

  it('logs of an unknown step and status of an unknown run say what exists', () => {
    const dir = tempProject({ 'p.yaml': 'steps:\n  - { id: only, run: ["true"] }\n' });
    const run = json<{ run: string }>(baton(dir, ['run', 'p.yaml', '--yes', '--json']));
    const logs = baton(dir, ['logs', run.run, 'onyl']);
    expect(logs.code).toBe(2);
    expect(logs.stderr).toContain(`run ${run.run} has no step "onyl" (did you mean "only"?)`);
    const status = baton(dir, ['status', 'ffffffff']);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('no run "ffffffff"');
  });
});
