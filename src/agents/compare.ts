import type { Agent } from './agent.js';
import { num, oneOf, str } from './lib/args.js';
import { readCandidates, readOutcomes, type Candidate } from './lib/compareInputs.js';
import { formatP, recommend, verdict, type Comparison } from './lib/compareVerdict.js';
import { BadInputError } from './lib/errors.js';
import { holm, mcnemarTest, pairedTTest, welchTTest, wilcoxonSignedRank, type TestResult } from './lib/hypothesis.js';
import type { StepContext } from './lib/protocol.js';
import { mean, precise, round, std } from './lib/stats.js';

const TESTS = ['t-test', 'paired-t-test', 'wilcoxon', 'mcnemar'] as const;
type TestName = (typeof TESTS)[number];
/** Metrics where a smaller score is the better model. */
const LOWER_IS_BETTER = ['rmse', 'mae', 'mse', 'loss', 'log-loss', 'error'];

interface Entry {
  c: Candidate;
  score: number;
  /** Fold scores, or 1/0 per shared row (right/wrong) for McNemar. */
  values: number[];
}

/**
 * Compares two or more models with a significance test: fold scores by Welch's t-test, the paired
 * t-test or the Wilcoxon signed-rank test; evaluate's predictions by McNemar's test. The best
 * model is tested against each other one, with Holm's correction when there are several.
 */
export const compare: Agent = {
  name: 'compare',
  summary: 'rank models and test whether the best is significantly better',
  run(args, ctx) {
    const test = oneOf(args, 'test', TESTS, 'paired-t-test');
    const alpha = num(args, 'alpha', 0.05, { min: 0, max: 1 });
    const metric = str(args, 'metric', 'accuracy').toLowerCase();
    const candidates = readCandidates(args, ctx.planDir, metric, test !== 'mcnemar');
    if (candidates.length < 2) {
      throw new BadInputError(`compare needs at least two models in models (or scores, or predictions); got ${candidates.length}`);
    }
    const entries = test === 'mcnemar' ? outcomeEntries(candidates, ctx) : foldEntries(candidates, test, metric, ctx);
    const lower = test !== 'mcnemar' && LOWER_IS_BETTER.includes(metric);
    const scoreName = test === 'mcnemar' ? 'accuracy' : metric;
    const ranked = [...entries].sort((a, b) => (lower ? a.score - b.score : b.score - a.score));
    const [best, ...others] = ranked as [Entry, ...Entry[]];
    // Tests read "positive = the first one is better"; for error metrics that is the smaller score.
    const oriented = (e: Entry): number[] => (lower ? e.values.map((v) => -v) : e.values);
    const results = others.map((o) => runTest(test, oriented(best), oriented(o)));
    const adjusted = others.length > 1 ? holm(results.map((r) => r.p)) : results.map((r) => r.p);
    // The exact Wilcoxon p cannot fall below 2 / 2^n: with 5 folds no difference can be significant
    // (the normal approximation used with ties may say otherwise, but not reliably on so few pairs).
    const folds = best.values.length;
    const floor = test === 'wilcoxon' ? Math.min(1, (2 / 2 ** folds) * others.length) : 0;
    const inconclusive = floor >= alpha;
    const comparisons: Comparison[] = others.map((o, i) => {
      const pAdjusted = adjusted[i] ?? 1;
      return { other: o.c.name, result: results[i] as TestResult, pAdjusted, significant: !inconclusive && pAdjusted < alpha };
    });
    // The scalar outputs describe the weakest comparison: significant only if the best beats them all.
    const weakest = comparisons.reduce((a, b) => (b.pAdjusted > a.pAdjusted ? b : a));
    const kinds = new Map(entries.map((e) => [e.c.name, e.c.kind]));
    const simplest = inconclusive ? best.c.name : recommend(best.c.name, comparisons, kinds);
    const text = inconclusive
      ? `inconclusive: with ${folds} folds the Wilcoxon test cannot reach p < ${alpha}${others.length > 1 ? ' after Holm correction' : ''} (its smallest p is ${round(floor, 4)}); ${best.c.name} scores highest (${scoreName} ${round(best.score)}); use more folds (10 is usual) or paired-t-test`
      : verdict(best.c.name, comparisons, alpha, simplest, scoreName);
    if (inconclusive) ctx.warn(text);

    printRanking(ranked, scoreName, test);
    for (const c of comparisons) {
      const r = c.result;
      const adj = others.length > 1 ? `, Holm-adjusted ${formatP(c.pAdjusted)}` : '';
      const df = r.df !== undefined ? `, df ${round(r.df, 2)}` : '';
      console.log(`${test} (${r.method}): ${best.c.name} vs ${c.other}: statistic ${round(r.statistic, 4)}${df}, ${formatP(r.p)}${adj}, ${r.effectName} = ${round(r.effect, 3)}`);
    }
    if (others.length > 1) console.log(`Holm correction over ${others.length} comparisons of ${best.c.name} against each other model`);
    console.log(text);

    const finite = (x: number): number | null => (Number.isFinite(x) ? round(x, 4) : null);
    return {
      best: best.c.name,
      best_model: best.c.modelPath ?? null,
      best_score: round(best.score),
      runner_up: others[0]?.c.name ?? null,
      test,
      statistic: finite(weakest.result.statistic),
      t_statistic: test === 't-test' || test === 'paired-t-test' ? finite(weakest.result.statistic) : null,
      p_value: precise(weakest.pAdjusted),
      significant: weakest.significant,
      effect_size: finite(weakest.result.effect),
      verdict: text,
      recommended: simplest ?? best.c.name,
      ranking: ranked.map((e) => e.c.name),
      comparisons: comparisons.map((c, i) => ({
        model: c.other,
        score: round(others[i]?.score ?? NaN),
        statistic: finite(c.result.statistic),
        p_value: precise(c.result.p),
        p_adjusted: precise(c.pAdjusted),
        effect_size: finite(c.result.effect),
        significant: c.significant,
      })),
    };
  },
};

function runTest(test: TestName, a: number[], b: number[]): TestResult {
  if (test === 't-test') return welchTTest(a, b);
  if (test === 'paired-t-test') return pairedTTest(a, b);
  if (test === 'wilcoxon') return wilcoxonSignedRank(a, b);
  let onlyA = 0;
  let onlyB = 0;
  a.forEach((x, i) => {
    if (x === 1 && b[i] === 0) onlyA++;
    else if (x === 0 && b[i] === 1) onlyB++;
  });
  return mcnemarTest(onlyA, onlyB);
}

function foldEntries(candidates: readonly Candidate[], test: TestName, metric: string, ctx: StepContext): Entry[] {
  const entries = candidates.map((c) => {
    if (!c.scores) throw new BadInputError(`${c.name} has predictions but no fold scores; ${test} compares fold scores: give fold_scores, or use test mcnemar`);
    if (c.scores.length < 2) throw new BadInputError(`${c.name} has ${c.scores.length} fold score; ${test} needs at least 2 per model (train with folds of 2 or more)`);
    return { c, score: mean(c.scores), values: c.scores };
  });
  if (test !== 't-test') {
    const sizes = new Set(entries.map((e) => e.values.length));
    if (sizes.size > 1) {
      throw new BadInputError(`a paired test needs the same folds for every model: ${entries.map((e) => `${e.c.name} has ${e.values.length}`).join(', ')}; use test t-test`);
    }
    const sources = new Set(candidates.filter((c) => c.modelPath).map((c) => `${c.dataset ?? ''}|${c.seed ?? ''}`));
    if (sources.size > 1) ctx.warn('the models were cross-validated on different data or seeds, so their folds are not truly paired');
  }
  if (!['accuracy', 'f1', 'precision', 'recall', 'auc', 'r2', ...LOWER_IS_BETTER].includes(metric)) ctx.warn(`metric ${metric} is unknown to compare; higher scores count as better`);
  return entries;
}

/** McNemar's rows: the ids every predictions file shares, with the same true label in each. */
function outcomeEntries(candidates: readonly Candidate[], ctx: StepContext): Entry[] {
  const outcomes = candidates.map((c) => {
    if (!c.predictions) throw new BadInputError(`${c.name} has no predictions; mcnemar compares per-row predictions: give the predictions outputs of evaluate steps`);
    return readOutcomes(c.predictions);
  });
  const [first, ...rest] = outcomes as [ReturnType<typeof readOutcomes>, ...ReturnType<typeof readOutcomes>[]];
  const ids = [...first.keys()].filter((id) => rest.every((o) => o.has(id)));
  if (ids.length === 0) throw new BadInputError('the predictions files share no rows; evaluate every model on the same dataset');
  for (const [i, o] of rest.entries()) {
    const clash = ids.find((id) => o.get(id)?.actual !== first.get(id)?.actual);
    if (clash !== undefined) {
      throw new BadInputError(`${candidates[0]?.name} and ${candidates[i + 1]?.name} disagree on the true label of row ${clash}; mcnemar needs predictions over the same rows`);
    }
  }
  const largest = Math.max(...outcomes.map((o) => o.size));
  if (ids.length < largest) ctx.warn(`only ${ids.length} of ${largest} rows are in every predictions file; the test uses those`);
  return candidates.map((c, i) => {
    const values = ids.map((id) => (outcomes[i]?.get(id)?.correct ? 1 : 0));
    return { c, score: mean(values), values };
  });
}

function printRanking(ranked: readonly Entry[], scoreName: string, test: TestName): void {
  const width = Math.max(5, ...ranked.map((e) => e.c.name.length));
  const unit = test === 'mcnemar' ? 'rows' : 'folds';
  console.log(`rank  ${'model'.padEnd(width)}  ${scoreName.padStart(8)}  ${'sd'.padStart(6)}  ${unit}`);
  ranked.forEach((e, i) => {
    const sd = test === 'mcnemar' ? '' : std(e.values).toFixed(4);
    console.log(`${String(i + 1).padEnd(4)}  ${e.c.name.padEnd(width)}  ${e.score.toFixed(4).padStart(8)}  ${sd.padStart(6)}  ${e.values.length}`);
  });
}
