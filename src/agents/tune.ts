import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Agent } from './agent.js';
import { int, obj, oneOf, str } from './lib/args.js';
import { loadDataset } from './lib/dataset.js';
import { BadInputError } from './lib/errors.js';
import { crossValidate, hyperFrom, modelKind, supervised, type ModelKind } from './lib/learn.js';
import { mulberry32, shuffled } from './lib/random.js';
import { mean, round } from './lib/stats.js';

type Space = Record<string, number[]>;
const SPACE_KEYS = ['max_depth', 'min_samples', 'trees', 'max_features'];

function defaultSpace(kind: ModelKind): Space {
  const space: Space = { max_depth: [2, 3, 4, 5, 6, 8, 10], min_samples: [1, 3, 5] };
  if (kind === 'random-forest') space.trees = [10, 25, 50];
  return space;
}

function readSpace(raw: Record<string, unknown> | undefined, kind: ModelKind): Space {
  if (!raw) return defaultSpace(kind);
  const space: Space = {};
  for (const [key, values] of Object.entries(raw)) {
    if (!SPACE_KEYS.includes(key)) throw new BadInputError(`space.${key} is not a tunable parameter; use ${SPACE_KEYS.join(', ')}`);
    const list = Array.isArray(values) ? values : [values];
    if (list.length === 0 || !list.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 1)) {
      throw new BadInputError(`space.${key} must list whole numbers, such as [2, 4, 8]`);
    }
    space[key] = list as number[];
  }
  return space;
}

/** Every combination of the space, in order. */
function grid(space: Space): Record<string, number>[] {
  return Object.entries(space).reduce<Record<string, number>[]>((combos, [key, values]) => combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v }))), [{}]);
}

/** Hyperparameter search with cross-validation; random samples the grid, grid tries all of it. */
export const tune: Agent = {
  name: 'tune',
  summary: 'random or grid search over tree hyperparameters with cross-validation',
  run(args, ctx) {
    const kind = modelKind(str(args, 'model', 'random-forest'));
    const strategy = oneOf(args, 'strategy', ['random', 'grid', 'bayesian'] as const, 'random');
    if (strategy === 'bayesian') throw new BadInputError('strategy bayesian is not available yet; use random or grid');
    const metric = oneOf(args, 'metric', ['accuracy', 'f1'] as const, 'accuracy');
    const trials = int(args, 'trials', 10, { min: 1 });
    const folds = int(args, 'folds', 3, { min: 2 });
    const seed = int(args, 'seed', 42);
    if (int(args, 'workers', 1, { min: 1 }) > 1) ctx.warn('workers > 1: trials still run one after another in this version');
    const space = readSpace(obj(args, 'space'), kind);
    const { table } = loadDataset(args, ctx);
    const data = supervised(table, str(args, 'target'));

    const all = grid(space);
    const candidates = strategy === 'grid' ? all : shuffled(all, mulberry32(seed)).slice(0, trials);
    if (strategy === 'grid' && all.length !== trials) console.log(`grid search tries all ${all.length} combinations (trials applies to random search)`);
    const results = candidates.map((params, n) => {
      const scores = crossValidate(data, kind, hyperFrom(params), folds, seed);
      const score = round(mean(scores.map((s) => s[metric])));
      ctx.progress(n + 1, candidates.length, `${JSON.stringify(params)} ${metric} ${score.toFixed(3)}`);
      return { params, score };
    });
    const best = results.reduce((a, b) => (b.score > a.score ? b : a));
    const path = join(ctx.artifactsDir(), 'trials.json');
    writeFileSync(path, `${JSON.stringify({ model: kind, strategy, metric, folds, results }, null, 2)}\n`);
    console.log(`best ${metric} ${best.score} with ${JSON.stringify(best.params)}`);
    return { best_score: best.score, best_params: best.params, trials: results.length, metric, model: kind, results: path };
  },
};
