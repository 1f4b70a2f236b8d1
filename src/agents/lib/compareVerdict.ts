import { effectSize, type TestResult } from './hypothesis.js';

/** The sentences compare prints and returns as `verdict`. */

export interface Comparison {
  other: string;
  result: TestResult;
  /** Holm-adjusted when there are several comparisons, else the plain p. */
  pAdjusted: number;
  significant: boolean;
}

/** Model kinds from the simplest (cheapest to run and explain) up: the tie-breaker when no difference is significant. */
const SIMPLER_FIRST = ['linear-regression', 'logistic-regression', 'naive-bayes', 'decision-tree', 'knn', 'random-forest', 'gradient-boosting'];

export function formatP(p: number): string {
  if (p < 0.001) return 'p < 0.001';
  return `p = ${Number(p.toPrecision(2))}`;
}

function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  return String(Number(x.toPrecision(x !== 0 && Math.abs(x) < 0.1 ? 2 : 3)));
}

export function describeEffect(r: TestResult): string {
  if (!Number.isFinite(r.effect)) return 'the same gap in every fold';
  return `${effectSize(r.effectName, r.effect)} effect ${r.effectName} = ${formatNumber(r.effect)}`;
}

/** Whether the test points the same way as the ranking: the best scores higher, or is right more often. */
function favoursBest(r: TestResult): boolean {
  return r.effectName === 'OR' ? r.effect >= 1 : r.effect >= 0;
}

/**
 * The model to ship: the best when it beats everything significantly, otherwise the simplest of
 * the best and those it does not beat (undefined when their kinds are not all known).
 */
export function recommend(best: string, comparisons: readonly Comparison[], kinds: ReadonlyMap<string, string | undefined>): string | undefined {
  const tied = [best, ...comparisons.filter((c) => !c.significant).map((c) => c.other)];
  if (tied.length === 1) return best;
  const rank = (name: string): number => SIMPLER_FIRST.indexOf(kinds.get(name) ?? name.toLowerCase());
  if (tied.some((n) => rank(n) < 0)) return undefined;
  return [...tied].sort((a, b) => rank(a) - rank(b))[0];
}

export function verdict(best: string, comparisons: readonly Comparison[], alpha: number, recommended: string | undefined, metric: string): string {
  const keep = recommended ? `keep the simpler model, ${recommended}` : 'prefer the simpler or cheaper model';
  const holm = comparisons.length > 1;
  const pText = (c: Comparison): string => {
    const p = c.pAdjusted;
    // "p < 0.001" already says it is below any usual alpha.
    const against = p < 0.001 && alpha >= 0.001 ? '' : ` ${p < alpha ? '<' : '≥'} ${alpha}`;
    return `${holm ? 'Holm-adjusted ' : ''}${formatP(p)}${against}`;
  };
  const reversed = comparisons.find((c) => c.significant && !favoursBest(c.result));
  if (reversed) {
    return `${reversed.other} beats ${best} on most pairs (${pText(reversed)}, ${describeEffect(reversed.result)}) although ${best} has the higher mean ${metric}: look at the per-fold scores before choosing`;
  }
  const wins = comparisons.filter((c) => c.significant);
  const ties = comparisons.filter((c) => !c.significant);
  if (!holm) {
    const [c] = comparisons as [Comparison];
    if (c.significant) return `${best} is better than ${c.other} (${pText(c)}, ${describeEffect(c.result)})`;
    return `no significant difference between ${best} and ${c.other} (${pText(c)}, ${describeEffect(c.result)}): ${keep}`;
  }
  if (ties.length === 0) {
    const w = wins.reduce((a, b) => (b.pAdjusted > a.pAdjusted ? b : a));
    return `${best} is better than each of ${wins.map((c) => c.other).join(', ')} (Holm correction over ${comparisons.length} comparisons; closest: ${w.other}, ${pText(w)}, ${describeEffect(w.result)})`;
  }
  const notBetter = `not significantly better than ${ties.map((c) => `${c.other} (${pText(c)}, ${describeEffect(c.result)})`).join(', ')}`;
  if (wins.length === 0) return `${best} scores highest but is ${notBetter}: ${keep}`;
  return `${best} is better than ${wins.map((c) => c.other).join(', ')} (Holm-adjusted p < ${alpha}) but ${notBetter}: ${keep}`;
}
