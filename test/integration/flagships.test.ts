import { describe, expect, it } from 'vitest';
import { baton, json, tempProject } from '../helpers/cli.js';

interface StepOut {
  id: string;
  status: string;
  outputs: Record<string, unknown>;
}
interface RunOut {
  status: string;
  steps: StepOut[];
}

/** Runs a request as a user types it, in a fresh project, and returns the run as JSON. */
function runRequest(request: string, dir = tempProject()): { run: RunOut; step: (id: string) => StepOut; dir: string } {
  const r = baton(dir, ['run', request, '--yes', '--json']);
  expect(r.stderr).toBe('');
  const run = json<RunOut>(r);
  const step = (id: string) => {
    const found = run.steps.find((s) => s.id === id);
    if (!found) throw new Error(`no step ${id} in ${run.steps.map((s) => s.id).join(', ')}`);
    return found;
  };
  return { run, step, dir };
}

// The six flagship workflows of commands/templates/, each asked for in plain English and run on
// the small sample data that ships with Baton.
describe('flagship workflows', () => {
  it('1. computer vision: images validated, scaled, split, two models trained in parallel, the better one evaluated and deployed', () => {
    const { run, step } = runRequest('run the object detection pipeline on shapes');
    expect(run.status).toBe('succeeded');
    const main = step('vision_pipeline').outputs;
    expect(['knn', 'random-forest']).toContain(main.best);
    expect(main.accuracy).toBeGreaterThan(0.8);
    expect(step('vision_pipeline.validate').outputs).toMatchObject({ rows: 320, passed: true });
    expect(step('vision_pipeline.deploy').outputs).toMatchObject({ version: 1, env: 'staging' });
  });

  it('2. parallel hyperparameter optimization: three Bayesian searches, their winners compared and charted', () => {
    const { run, step } = runRequest('parallel hyperparameter optimization on iris');
    expect(run.status).toBe('succeeded');
    for (const id of ['tune_forest', 'tune_knn', 'tune_linear']) {
      const tune = step(`hpo_search.${id}`).outputs;
      expect(tune.trials).toBe(12);
      expect(tune.best_score).toBeGreaterThan(0.85);
    }
    const forest = step('hpo_search.tune_forest').outputs.best_params as Record<string, number>;
    expect(forest.trees).toBeGreaterThanOrEqual(5);
    expect(forest.trees).toBeLessThanOrEqual(60);
    expect(step('hpo_search.aggregate').outputs.verdict).toEqual(expect.any(String));
    expect(step('hpo_search.report').outputs.charts).toBe(3);
  });

  it('3. monitoring: drift found in the injected features, an alert raised, the model retrained and redeployed', () => {
    const { run, step } = runRequest('set up automated model monitoring');
    expect(run.status).toBe('succeeded');
    const monitor = step('monitor_retrain.monitor').outputs;
    expect(monitor.drift_detected).toBe(true);
    expect([...(monitor.drifted_features as string[])].sort()).toEqual(['device', 'income_k', 'session_minutes']);
    expect((monitor.alerts as { severity: string }[]).length).toBeGreaterThan(0);
    expect(step('monitor_retrain.retrain').status).toBe('succeeded');
    expect(step('monitor_retrain.redeploy').outputs).toMatchObject({ version: 2, previous: 1 });
  });

  it('4. progressive experiment: a more complex model only after a significant step up', () => {
    const { run, step } = runRequest('a progressive experiment on churn');
    expect(run.status).toBe('succeeded');
    const first = step('progressive_experiment.logistic_vs_baseline').outputs;
    const tree = step('progressive_experiment.tree');
    // The tree is tried exactly when the logistic regression beat the baseline significantly.
    expect(tree.status).toBe(first.significant === true && first.best === 'logistic-regression' ? 'succeeded' : 'skipped');
    expect(first.p_value).toEqual(expect.any(Number));
    expect(step('progressive_experiment.report').status).toBe('succeeded');
  });

  it('5. tabular competition: analysis, features and a baseline in parallel on different agents, then combined', () => {
    const { run, step } = runRequest('multi-agent analysis for a tabular competition on churn');
    expect(run.status).toBe('succeeded');
    expect(step('tabular_competition.analysis').outputs.rows).toBe(800);
    expect(step('tabular_competition.engineer').outputs.added).toBeGreaterThan(0);
    const combine = step('tabular_competition.combine').outputs;
    expect(['logistic-baseline', 'naive-bayes-features', 'tree-features']).toContain(combine.best);
    expect(step('tabular_competition.holdout').outputs.accuracy).toBeGreaterThan(0.6);
  });

  it('6. production rollout: staging tests, a gated canary to production, automatic rollback of a worse candidate, then monitoring', () => {
    const first = runRequest('production rollout of a random forest on iris');
    expect(first.run.status).toBe('succeeded');
    expect(first.step('production_rollout.production').outputs).toMatchObject({ env: 'production', strategy: 'canary', percent: 100, version: 1 });
    expect(first.step('production_rollout.watch').outputs.checks).toBe(2);

    // A knn scores a little lower on the shadow rows than the forest serving production: the
    // canary's last gate refuses it and production goes back to v1.
    const worse = runRequest('production rollout of a knn on iris', first.dir);
    expect(worse.run.status).toBe('failed');
    expect(worse.step('production_rollout.production').status).toBe('failed');
    expect(worse.step('production_rollout.watch').status).toBe('skipped');

    // The same forest again passes every stage against v1.
    const again = runRequest('production rollout of a random forest on iris', first.dir);
    expect(again.run.status).toBe('succeeded');
    const production = again.step('production_rollout.production').outputs;
    expect(production).toMatchObject({ version: 3, previous: 1, percent: 100 });
    expect((production.stages as { percent: number; passed: boolean }[]).map((s) => [s.percent, s.passed])).toEqual([
      [10, true],
      [50, true],
      [100, true],
    ]);
  });
});
