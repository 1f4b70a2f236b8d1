import { describe, expect, it } from 'vitest';
import { GaussianProcess, expectedImprovement } from '../../src/agents/lib/gaussianProcess.js';
import { mulberry32 } from '../../src/agents/lib/random.js';
import { bestTrial, gridProposals, mapSlots, runSearch, type Evaluate, type Strategy } from '../../src/agents/lib/search.js';
import { enumerateGrid, levels, parseSpace, sample, type Params, type Space } from '../../src/agents/lib/searchSpace.js';

const wave = (x: number): number => Math.sin(6 * x) + 0.5 * x;
const sync: Evaluate = (batch, onScore) => Promise.resolve(batch.map((p, i) => {
  const s = objective(p);
  onScore(i, s);
  return s;
}));

/** A smooth 2-D bowl with its top at learning_rate 0.1, depth 7, plus a categorical bonus. */
function objective(p: Params): number {
  const lr = Math.log10(Number(p.learning_rate));
  return -((lr + 1) ** 2) - ((Number(p.depth) - 7) / 4) ** 2 + (p.kind === 'b' ? 0.3 : 0);
}

const SPACE: Space = parseSpace({
  learning_rate: { type: 'float', min: 0.0001, max: 10, log: true },
  depth: { type: 'int', min: 1, max: 20 },
  kind: { values: ['a', 'b', 'c'] },
});

describe('Gaussian process', () => {
  const xs = [0, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9, 1];

  it('fits a known 1-D function: close between the points, sure at them, unsure far away', () => {
    const gp = GaussianProcess.fit(xs.map((x) => [x]), xs.map(wave));
    const probe = [0.08, 0.37, 0.52, 0.83];
    const { mean } = gp.predict(probe.map((x) => [x]));
    probe.forEach((x, i) => expect(Math.abs((mean[i] ?? 0) - wave(x))).toBeLessThan(0.1));
    const sparse = GaussianProcess.fit([[0.1], [0.2], [0.3]], [0.1, 0.2, 0.3].map(wave));
    const { std } = sparse.predict([[0.2], [0.9]]);
    expect(std[0]).toBeLessThan((std[1] ?? 0) / 5);
  });

  it('puts the highest expected improvement in the gap where the peak is', () => {
    // Peak of -(x - 0.7)^2 at 0.7, which no observation is close to.
    const seen = [0, 0.1, 0.2, 0.35, 0.5, 0.95, 1];
    const f = (x: number) => -((x - 0.7) ** 2);
    const gp = GaussianProcess.fit(seen.map((x) => [x]), seen.map(f));
    const grid = Array.from({ length: 101 }, (_, i) => i / 100);
    const { mean, std } = gp.predict(grid.map((x) => [x]));
    const best = Math.max(...seen.map(f));
    const ei = grid.map((_, i) => expectedImprovement(mean[i] ?? 0, std[i] ?? 0, best));
    const argmax = grid[ei.indexOf(Math.max(...ei))] ?? 0;
    expect(argmax).toBeGreaterThan(0.55);
    expect(argmax).toBeLessThan(0.85);
    expect(ei[grid.indexOf(0.2)]).toBeLessThan(Math.max(...ei) / 10);
  });
});

describe('search spaces', () => {
  it('enumerates a grid, first parameter outermost, and samples a seeded part of a larger one', () => {
    const space = parseSpace({ depth: { type: 'int', min: 1, max: 3 }, kind: ['x', 'y'] });
    expect(enumerateGrid(space)).toEqual([
      { depth: 1, kind: 'x' },
      { depth: 1, kind: 'y' },
      { depth: 2, kind: 'x' },
      { depth: 2, kind: 'y' },
      { depth: 3, kind: 'x' },
      { depth: 3, kind: 'y' },
    ]);
    expect(gridProposals(space, 6, 1)).toMatchObject({ size: 6, sampled: false });
    const part = gridProposals(space, 4, 1);
    expect(part).toMatchObject({ size: 6, sampled: true });
    expect(new Set(part.params.map((p) => JSON.stringify(p))).size).toBe(4);
    expect(gridProposals(space, 4, 1).params).toEqual(part.params);
  });

  it('spaces log-scale grid levels and samples over the decades evenly', () => {
    const spec = { type: 'float', min: 0.001, max: 10, log: true } as const;
    expect(levels(spec)).toEqual([0.001, 0.01, 0.1, 1, 10]);
    const rand = mulberry32(3);
    const decades = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) {
      const v = Number(sample({ lr: spec }, rand).lr);
      expect(v).toBeGreaterThanOrEqual(0.001);
      expect(v).toBeLessThanOrEqual(10);
      const decade = Math.min(3, Math.floor(Math.log10(v) + 3));
      decades[decade] = (decades[decade] ?? 0) + 1;
    }
    for (const count of decades) expect(count / 4000).toBeGreaterThan(0.2);
  });

  it('refuses a malformed parameter by name', () => {
    expect(() => parseSpace({ max_depth: { type: 'int', min: 5, max: 2 } })).toThrow(/space\.max_depth .*min must be at most max/);
    expect(() => parseSpace({ lr: { type: 'float', min: 0, max: 1, log: true } })).toThrow(/space\.lr .*log scale/);
    expect(() => parseSpace({ depth: { type: 'int', min: 1.5, max: 4 } })).toThrow(/space\.depth .*whole numbers/);
    expect(() => parseSpace({ kind: { values: [] } })).toThrow(/space\.kind lists no values/);
    expect(() => parseSpace({ trees: { min: 1, max: 9, step: 2 } })).toThrow(/space\.trees has an unknown key "step"/);
  });
});

async function search(strategy: Strategy, seed: number, trials = 16): Promise<string[]> {
  const found = await runSearch({ strategy, space: SPACE, trials, seed, batch: 4, evaluate: sync });
  return found.map((t) => `${JSON.stringify(t.params)}=${t.score.toFixed(6)}`);
}

describe('search strategies', () => {
  it('gives the same proposals for the same seed, and others for another seed', async () => {
    for (const strategy of ['random', 'bayesian'] as const) {
      const a = await search(strategy, 5);
      expect(a).toHaveLength(16);
      expect(await search(strategy, 5)).toEqual(a);
      expect(await search(strategy, 6)).not.toEqual(a);
    }
  });

  it('starts Bayesian search with the trials random search tries first', async () => {
    const random = await search('random', 9);
    const bayes = await search('bayesian', 9);
    expect(bayes.slice(0, 4)).toEqual(random.slice(0, 4));
    expect(bayes.slice(4)).not.toEqual(random.slice(4));
  });

  it('keeps the trial sequence whatever the number of workers and the order they finish in', async () => {
    const run = async (workers: number) => {
      // Each trial takes a seeded number of microtask ticks, so with several workers they finish out of order.
      const ticks = mulberry32(workers * 101);
      const slot = async (p: Params) => {
        for (let n = Math.floor(ticks() * 30); n > 0; n--) await Promise.resolve();
        return objective(p);
      };
      const finished: number[] = [];
      const evaluate: Evaluate = (batch, onScore) =>
        mapSlots(batch, Array.from({ length: workers }, () => slot), (i, s) => {
          finished.push(i);
          onScore(i, s);
        });
      const found = await runSearch({ strategy: 'bayesian', space: SPACE, trials: 14, seed: 4, batch: 4, evaluate });
      return { trials: found, finished };
    };
    const one = await run(1);
    const four = await run(4);
    expect(four.trials).toEqual(one.trials);
    expect(four.trials.map((t) => t.index)).toEqual(Array.from({ length: 14 }, (_, i) => i));
    expect(four.finished).not.toEqual(one.finished);
  });

  it('finds better configurations with the Gaussian process than at random on a smooth function', async () => {
    const bests = { random: 0, bayesian: 0 };
    for (let seed = 1; seed <= 5; seed++) {
      for (const strategy of ['random', 'bayesian'] as const) {
        const found = await runSearch({ strategy, space: SPACE, trials: 20, seed, batch: 4, evaluate: sync });
        bests[strategy] += (bestTrial(found)?.score ?? 0) / 5;
      }
    }
    // The top is 0.3 (learning_rate 0.1, depth 7, kind b); random search averages well below 0.
    expect(bests.bayesian - bests.random).toBeGreaterThan(0.2);
    expect(bests.bayesian).toBeGreaterThan(0.1);
  });

  it('tries a small discrete space in full instead of repeating configurations', async () => {
    const space = parseSpace({ depth: [2, 4, 6] });
    const found = await runSearch({ strategy: 'bayesian', space, trials: 10, seed: 1, evaluate: (b, on) => sync(b.map((p) => ({ ...p, learning_rate: 0.1 })), on) });
    expect(found.map((t) => t.params.depth)).toEqual([2, 4, 6]);
  });
});
