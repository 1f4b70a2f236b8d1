import { GaussianProcess, expectedImprovement } from './gaussianProcess.js';
import { mulberry32 } from './random.js';
import { encode, enumerateGrid, fromUnit, gridSize, paramsKey, sample, sampleGrid, sampleSpec, spaceSize, toUnit, type Params, type Space } from './searchSpace.js';

/**
 * Search strategies over a Space, pure: they propose configurations and an injected `evaluate`
 * scores them. Proposals depend only on the seed and on earlier scores, never on how many
 * workers evaluate a batch or in which order they finish, so a seed always gives one sequence.
 */
export const STRATEGIES = ['random', 'grid', 'bayesian'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export interface Trial {
  /** 0-based position in the sequence of proposals. */
  index: number;
  params: Params;
  score: number;
}

/** Scores a batch in order; `onScore` may fire in any order as each finishes. */
export type Evaluate = (batch: Params[], onScore: (i: number, score: number) => void) => Promise<number[]>;

export interface SearchOptions {
  strategy: Strategy;
  space: Space;
  trials: number;
  seed: number;
  evaluate: Evaluate;
  /** Bayesian points proposed per round (kriging believer); fixed so results ignore worker count. */
  batch?: number;
  /** Random points before the surrogate takes over; default max(3, trials / 4). */
  initial?: number;
  /** Random candidates per proposal over which expected improvement is maximised. */
  candidates?: number;
  onTrial?: (trial: Trial) => void;
}

export function initialCount(trials: number): number {
  return Math.min(trials, Math.max(3, Math.floor(trials / 4)));
}

/** `n` seeded samples, distinct from each other and from `seen` while the space allows it. */
export function randomProposals(space: Space, n: number, rand: () => number, seen: Set<string> = new Set()): Params[] {
  const out: Params[] = [];
  for (let attempt = 0; out.length < n; attempt++) {
    const p = sample(space, rand);
    const k = paramsKey(space, p);
    if (seen.has(k) && attempt < n * 50) continue;
    seen.add(k);
    out.push(p);
  }
  return out;
}

/** The grid when it fits in `trials`, else a seeded sample of it (`sampled` says which). */
export function gridProposals(space: Space, trials: number, seed: number): { params: Params[]; size: number; sampled: boolean } {
  const size = gridSize(space);
  if (size <= trials) return { params: enumerateGrid(space), size, sampled: false };
  return { params: sampleGrid(space, trials, mulberry32(seed)), size, sampled: true };
}

/** A nearby configuration: each numeric dim moves a little in unit space, categoricals rarely switch. */
function perturb(space: Space, params: Params, rand: () => number): Params {
  const out: Params = { ...params };
  for (const [name, spec] of Object.entries(space)) {
    if (spec.type === 'categorical') {
      if (rand() < 0.2) out[name] = sampleSpec(spec, rand);
    } else if (rand() < 0.7) {
      const step = (rand() + rand() + rand() - 1.5) * 0.2;
      out[name] = fromUnit(spec, toUnit(spec, params[name] ?? spec.min) + step);
    }
  }
  return out;
}

/**
 * `q` points by expected improvement on a Gaussian process. After each pick the GP "believes"
 * its own mean at that point (kriging believer: a noise-free pseudo-observation, and the incumbent
 * rises to it), refitted with the same kernel, so the next pick moves elsewhere. Candidates are
 * random samples plus perturbations of the five best configurations so far.
 */
export function proposeBatch(space: Space, history: readonly Trial[], q: number, rand: () => number, seen: Set<string>, candidates = 2000): Params[] {
  const pool = new Map<string, Params>();
  const add = (p: Params) => {
    const k = paramsKey(space, p);
    if (!seen.has(k)) pool.set(k, p);
  };
  for (let i = 0; i < candidates; i++) add(sample(space, rand));
  const top = [...history].sort((a, b) => b.score - a.score || a.index - b.index).slice(0, 5);
  for (let i = 0; i < candidates / 4; i++) add(perturb(space, (top[i % top.length] as Trial).params, rand));
  const entries = [...pool.entries()];
  const points = entries.map(([, p]) => encode(space, p));
  const X = history.map((t) => encode(space, t.params));
  const y = history.map((t) => t.score);
  let best = Math.max(...y);
  const out: Params[] = [];
  let gp = GaussianProcess.fit(X, y);
  const taken = new Set<number>();
  while (out.length < q) {
    if (taken.size >= entries.length) {
      out.push(...randomProposals(space, q - out.length, rand, seen));
      break;
    }
    const { mean, std } = gp.predict(points);
    let pick = -1;
    let pickEi = -Infinity;
    for (let i = 0; i < points.length; i++) {
      if (taken.has(i)) continue;
      // Ties (EI underflows to 0 far from the data) go to the larger uncertainty.
      const ei = expectedImprovement(mean[i] ?? 0, std[i] ?? 0, best) + 1e-12 * (std[i] ?? 0);
      if (ei > pickEi) {
        pickEi = ei;
        pick = i;
      }
    }
    taken.add(pick);
    const [k, p] = entries[pick] as [string, Params];
    seen.add(k);
    out.push(p);
    X.push(points[pick] as number[]);
    y.push(mean[pick] ?? best);
    best = Math.max(best, mean[pick] ?? best);
    if (out.length < q) gp = GaussianProcess.fit(X, y, gp.hyper, out.length);
  }
  return out;
}

/**
 * Runs a search to its end. Random and grid hand all their trials over as one batch; Bayesian
 * starts with `initial` random trials (the same ones random search would try first) and then
 * proposes `batch` points per round.
 */
export async function runSearch(o: SearchOptions): Promise<Trial[]> {
  const rand = mulberry32(o.seed);
  const trials: Trial[] = [];
  const seen = new Set<string>();
  const run = async (batch: Params[]): Promise<void> => {
    const base = trials.length;
    const scores = await o.evaluate(batch, (i, score) => o.onTrial?.({ index: base + i, params: batch[i] as Params, score }));
    batch.forEach((params, i) => {
      trials.push({ index: base + i, params, score: scores[i] ?? Number.NaN });
      seen.add(paramsKey(o.space, params));
    });
  };
  // A space with no more configurations than trials is simply tried in full.
  if (o.strategy !== 'grid' && spaceSize(o.space) <= o.trials) {
    await run(enumerateGrid(o.space, true));
    return trials;
  }
  if (o.strategy === 'grid') await run(gridProposals(o.space, o.trials, o.seed).params);
  else if (o.strategy === 'random') await run(randomProposals(o.space, o.trials, rand, seen));
  else {
    await run(randomProposals(o.space, o.initial ?? initialCount(o.trials), rand, seen));
    while (trials.length < o.trials) {
      const q = Math.min(o.batch ?? 1, o.trials - trials.length);
      await run(proposeBatch(o.space, trials, q, rand, seen, o.candidates));
    }
  }
  return trials;
}

/** The first trial with the highest score. */
export function bestTrial(trials: readonly Trial[]): Trial | undefined {
  return trials.reduce<Trial | undefined>((a, b) => (!a || b.score > a.score ? b : a), undefined);
}

/**
 * Maps items over a set of slots (one per worker), each slot taking the next item when it is
 * free; results come back in item order whatever the finishing order.
 */
export async function mapSlots<T, R>(items: readonly T[], slots: readonly ((item: T) => Promise<R>)[], onEach?: (i: number, result: R) => void): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  await Promise.all(
    slots.map(async (slot) => {
      while (!failed && next < items.length) {
        const i = next++;
        let result: R;
        try {
          result = await slot(items[i] as T);
        } catch (e) {
          failed = true;
          throw e;
        }
        results[i] = result;
        onEach?.(i, result);
      }
    }),
  );
  return results;
}
