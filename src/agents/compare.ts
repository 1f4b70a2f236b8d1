import type { Agent } from './agent.js';
import { absolute, list, num, oneOf } from './lib/args.js';
import { BadInputError } from './lib/errors.js';
import { readModelFile } from './lib/modelFile.js';
import { mean, pairedTTest, round, welchTTest } from './lib/stats.js';

/**
 * Compares trained models by the cross-validation scores train stored in each model file:
 * the best against the runner-up, with a paired t-test over folds (or Welch's t-test).
 */
export const compare: Agent = {
  name: 'compare',
  summary: 'rank models by CV score and test whether the best is significantly better',
  run(args, ctx) {
    const paths = list(args, 'models', []).map((p) => absolute(p, ctx.planDir));
    if (paths.length < 2) throw new BadInputError('compare needs at least two model files in models (the model outputs of train steps)');
    const test = oneOf(args, 'test', ['t-test', 'paired-t-test', 'wilcoxon', 'mcnemar'] as const, 'paired-t-test');
    if (test === 'wilcoxon' || test === 'mcnemar') throw new BadInputError(`test ${test} is not available yet; use paired-t-test or t-test`);
    const alpha = num(args, 'alpha', 0.05, { min: 0, max: 1 });
    const metric = oneOf(args, 'metric', ['accuracy', 'f1'] as const, 'accuracy');
    const models = paths.map((path) => {
      const file = readModelFile(path, 'models');
      return { path, file, scores: file.cv[metric], score: mean(file.cv[metric]) };
    });
    const ranked = [...models].sort((a, b) => b.score - a.score);
    const [best, second] = ranked as [(typeof models)[number], (typeof models)[number]];
    if (test === 'paired-t-test') {
      if (best.scores.length !== second.scores.length) {
        throw new BadInputError(`a paired test needs the same folds: ${best.path} has ${best.scores.length}, ${second.path} has ${second.scores.length}; use test t-test`);
      }
      if (best.file.dataset !== second.file.dataset || best.file.params.seed !== second.file.params.seed) {
        ctx.warn('the models were cross-validated on different data or seeds, so folds are not truly paired');
      }
    }
    const result = test === 'paired-t-test' ? pairedTTest(best.scores, second.scores) : welchTTest(best.scores, second.scores);
    for (const [i, m] of ranked.entries()) console.log(`${i + 1}. ${m.file.model} ${metric} ${m.score.toFixed(4)} (${m.path})`);
    const significant = result.p < alpha;
    console.log(`${test}: t ${round(result.t, 3)}, df ${round(result.df, 2)}, p ${round(result.p, 4)}: ${significant ? 'significant' : 'not significant'} at alpha ${alpha}`);
    return {
      best: best.path,
      best_model: best.file.model,
      best_score: round(best.score),
      runner_up: second.path,
      t_statistic: Number.isFinite(result.t) ? round(result.t, 4) : null,
      p_value: round(result.p, 6),
      significant,
      ranking: ranked.map((m) => m.path),
    };
  },
};
