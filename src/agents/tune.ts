import { writeFileSync } from 'node:fs';
import type { Agent } from './agent.js';
import { int, obj, oneOf, str } from './lib/args.js';
import { loadDataset } from './lib/dataset.js';
import { BadInputError } from './lib/errors.js';
import { checkTask, mainMetric, metricsOf, modelKind, supervised, type Metric } from './lib/learn.js';
import type { StepContext } from './lib/protocol.js';
import { STRATEGIES, bestTrial, initialCount, runSearch, type Evaluate, type Strategy, type Trial } from './lib/search.js';
import { gridSize, spaceSize, type Space, type Value } from './lib/searchSpace.js';
import { writeCsv } from './lib/table.js';
import { createEvaluator } from './lib/tunePool.js';
import { resolveSpace, usualParams } from './lib/tuneSpaces.js';
import { artifactFile } from './lib/artifacts.js';

const METRICS = ['accuracy', 'f1', 'precision', 'recall', 'r2', 'rmse', 'mae'] as const satisfies readonly Metric[];
/** Errors: the search maximises their negation. */
const LOWER_IS_BETTER: readonly Metric[] = ['rmse', 'mae'];
const DEFAULT_TRIALS = 10;
/** Largest grid tried in full when trials is not given. */
const GRID_CAP = 1000;
/** Bayesian points per round: fixed, so a seed gives the same trials whatever `workers` is. */
const DEFAULT_BATCH = 4;

/** How many trials will run, saying so when that differs from what was asked. */
function plannedTrials(strategy: Strategy, space: Space, asked: number | undefined, ctx: StepContext): number {
  if (strategy === 'grid') {
    const size = gridSize(space);
    const limit = asked ?? Math.min(size, GRID_CAP);
    if (size > limit) ctx.warn(`the grid has ${size} combinations, more than ${limit} trials: trying a seeded sample of ${limit} (raise trials to try them all)`);
    else console.log(`grid search tries all ${size} combinations`);
    return Math.min(size, limit);
  }
  const trials = asked ?? DEFAULT_TRIALS;
  const finite = spaceSize(space);
  if (finite <= trials) console.log(`the space has only ${finite} combinations, so ${strategy} search tries each once`);
  return Math.min(trials, finite);
}

function historyTable(space: Space, trials: readonly Trial[], metric: string) {
  const names = Object.keys(space);
  const cell = (v: Value | undefined) => (typeof v === 'boolean' ? String(v) : (v ?? null));
  return { columns: ['trial', ...names, metric], rows: trials.map((t) => [t.index + 1, ...names.map((n) => cell(t.params[n])), t.score]) };
}

/**
 * Hyperparameter search scored by seeded k-fold cross-validation: random, grid, or Bayesian
 * optimisation (a Gaussian process with expected improvement). Trials run `workers` at a time on
 * worker threads; the trial sequence depends on the seed and `batch`, never on `workers`.
 */
export const tune: Agent = {
  name: 'tune',
  summary: 'random, grid or Bayesian search over model hyperparameters with cross-validation',
  async run(args, ctx) {
    const kind = modelKind(str(args, 'model', 'random-forest'));
    const strategy = oneOf(args, 'strategy', STRATEGIES, 'random');
    const asked = int(args, 'trials', undefined, { min: 1 });
    const folds = int(args, 'folds', 3, { min: 2 });
    const seed = int(args, 'seed', 42);
    const workers = int(args, 'workers', 1, { min: 1 });
    const batch = int(args, 'batch', DEFAULT_BATCH, { min: 1 });
    const task = oneOf(args, 'task', ['auto', 'classification', 'regression'] as const, 'auto');
    const metricArg = str(args, 'metric') === undefined ? undefined : oneOf(args, 'metric', METRICS, 'accuracy');
    const rawSpace = obj(args, 'space');
    // A given space is checked before the data is read, so its mistakes come first.
    const given = rawSpace ? resolveSpace(rawSpace, kind, 0) : undefined;
    for (const name of Object.keys(given ?? {})) {
      if (!usualParams(kind).includes(name)) ctx.warn(`space.${name} is not one of ${kind}'s usual hyperparameters (${usualParams(kind).join(', ')}); it may change nothing`);
    }

    const { table } = loadDataset(args, ctx);
    const data = supervised(table, str(args, 'target'), { task });
    checkTask(kind, data.task, data.target);
    const metric = metricArg ?? mainMetric(data.task);
    if (!metricsOf(data.task).includes(metric)) {
      throw new BadInputError(`metric ${metric} does not fit a ${data.task} (target ${data.target}); use ${metricsOf(data.task).join(', ')}`);
    }
    if (folds > data.X.length) throw new BadInputError(`folds is ${folds} but the dataset has only ${data.X.length} rows`);
    const space = given ?? resolveSpace(undefined, kind, data.features.length);
    const total = plannedTrials(strategy, space, asked, ctx);
    const direction = LOWER_IS_BETTER.includes(metric) ? -1 : 1;
    console.log(`${strategy} search over ${Object.keys(space).join(', ')} for ${kind}: ${total} trials, ${metric} by ${folds}-fold CV on ${data.X.length} rows`);
    if (strategy === 'bayesian') console.log(`bayesian: ${initialCount(total)} random trials, then ${batch} proposal(s) per round by expected improvement (kriging believer)`);

    const evaluator = createEvaluator({ data, kind, folds, seed, metric }, workers);
    if (workers > 1) console.log(`scoring trials on ${Math.max(evaluator.threads, 1)} thread(s)`);
    // The search maximises, so errors such as rmse are handed to it negated.
    const evaluate: Evaluate = async (params, onScore) => (await evaluator.evaluate(params, (i, s) => onScore(i, direction * s))).map((s) => direction * s);
    let best: Trial | undefined;
    let done = 0;
    let found: Trial[];
    try {
      found = await runSearch({
        strategy,
        space,
        trials: total,
        seed,
        batch,
        evaluate,
        onTrial(t) {
          if (!best || t.score > best.score || (t.score === best.score && t.index < best.index)) best = t;
          ctx.progress(++done, total, `#${t.index + 1} ${JSON.stringify(t.params)} ${metric} ${(direction * t.score).toFixed(4)} (best ${(direction * best.score).toFixed(4)})`);
        },
      });
    } finally {
      await evaluator.close();
    }
    const top = bestTrial(found) as Trial;
    const trials = found.map((t) => ({ ...t, score: direction * t.score }));
    const bestScore = direction * top.score;
    const results = artifactFile(ctx, 'trials.json');
    const history = artifactFile(ctx, 'history.csv');
    const bayes = strategy === 'bayesian' ? { batch, initial: initialCount(total) } : {};
    const summary = { model: kind, task: data.task, strategy, metric, folds, seed, space, ...bayes, best: { trial: top.index + 1, params: top.params, score: bestScore } };
    writeFileSync(results, `${JSON.stringify({ ...summary, results: trials.map((t) => ({ trial: t.index + 1, params: t.params, score: t.score })) }, null, 2)}\n`);
    writeCsv(history, historyTable(space, trials, metric));
    console.log(`best ${metric} ${bestScore} with ${JSON.stringify(top.params)} (trial ${top.index + 1} of ${trials.length})`);
    return { best_score: bestScore, best_params: top.params, trials: trials.length, metric, model: kind, results, history };
  },
};
