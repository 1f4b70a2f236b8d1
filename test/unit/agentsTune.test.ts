import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { agentDir, declaredOutputs, runStep } from '../helpers/agents.js';

// Runs the compiled step program (npx tsc -p tsconfig.build.json first), as the engine does.
const { dir, cleanup } = agentDir();
afterAll(cleanup);

interface HistoryRow {
  trial: number;
  params: Record<string, number>;
  score: number;
}

function history(path: unknown): { columns: string[]; rows: HistoryRow[] } {
  const [header = '', ...lines] = readFileSync(String(path), 'utf8').trim().split('\n');
  const columns = header.split(',');
  const rows = lines.map((line) => {
    const cells = line.split(',').map(Number);
    const params = Object.fromEntries(columns.slice(1, -1).map((c, i) => [c, cells[i + 1] ?? NaN]));
    return { trial: cells[0] ?? NaN, params, score: cells.at(-1) ?? NaN };
  });
  return { columns, rows };
}

describe('tune', () => {
  it.each(['random', 'grid', 'bayesian'])('%s search on iris returns the best of a history of every trial, inside the space', (strategy) => {
    const r = runStep(dir, 'tune', { dataset: 'iris', model: 'decision-tree', strategy, trials: 7, seed: 3 }, `tune-${strategy}`);
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys(r.outputs).sort()).toEqual([...declaredOutputs('tune')].sort());
    expect(r.outputs).toMatchObject({ trials: 7, metric: 'accuracy', model: 'decision-tree' });
    const { columns, rows } = history(r.outputs.history);
    expect(columns).toEqual(['trial', 'max_depth', 'min_samples', 'accuracy']);
    expect(rows.map((row) => row.trial)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(r.outputs.best_score).toBe(Math.max(...rows.map((row) => row.score)));
    const best = r.outputs.best_params as Record<string, number>;
    expect(best.max_depth).toBeGreaterThanOrEqual(1);
    expect(best.max_depth).toBeLessThanOrEqual(16);
    expect(best.min_samples).toBeGreaterThanOrEqual(1);
    expect(best.min_samples).toBeLessThanOrEqual(32);
    expect(rows.find((row) => row.score === r.outputs.best_score)?.params).toEqual(best);
    expect(r.stdout.match(/^::progress \d+\/7 .*\(best \d\.\d+\)$/gm)).toHaveLength(7);
    const results = JSON.parse(readFileSync(String(r.outputs.results), 'utf8')) as { strategy: string; results: unknown[] };
    expect(results).toMatchObject({ strategy });
    expect(results.results).toHaveLength(7);
    if (strategy === 'grid') expect(r.stdout).toContain('::warning the grid has 36 combinations, more than 7 trials: trying a seeded sample of 7');
  });

  it('tries a declared space of ints, log floats and lists, and the whole grid when it fits', () => {
    const space = { max_depth: { type: 'int', min: 2, max: 5 }, min_samples: [1, 4] };
    const grid = runStep(dir, 'tune', { dataset: 'iris', model: 'decision-tree', strategy: 'grid', space }, 'tune-grid-full');
    expect(grid.code, grid.stderr).toBe(0);
    expect(grid.outputs.trials).toBe(8);
    expect(history(grid.outputs.history).rows.map((row) => [row.params.max_depth, row.params.min_samples])).toEqual([[2, 1], [2, 4], [3, 1], [3, 4], [4, 1], [4, 4], [5, 1], [5, 4]]);

    const logSpace = { learning_rate: { type: 'float', min: 0.001, max: 10, log: true }, epochs: { type: 'int', min: 20, max: 200 } };
    const r = runStep(dir, 'tune', { dataset: 'iris', model: 'logistic-regression', strategy: 'bayesian', trials: 6, space: logSpace }, 'tune-logreg');
    expect(r.code, r.stderr).toBe(0);
    const rows = history(r.outputs.history).rows;
    expect(rows).toHaveLength(6);
    for (const row of rows) {
      expect(row.params.learning_rate).toBeGreaterThanOrEqual(0.001);
      expect(row.params.learning_rate).toBeLessThanOrEqual(10);
      expect(Number.isInteger(row.params.epochs)).toBe(true);
    }
  });

  it('gives the same trials with 1 or 2 workers for a seed', () => {
    const args = { dataset: 'iris', model: 'decision-tree', strategy: 'bayesian', trials: 9, seed: 11 };
    const one = runStep(dir, 'tune', { ...args, workers: 1 }, 'tune-w1');
    const two = runStep(dir, 'tune', { ...args, workers: 2 }, 'tune-w2');
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    expect(two.stdout).toMatch(/scoring trials on \d+ thread/);
    expect(readFileSync(String(two.outputs.history), 'utf8')).toBe(readFileSync(String(one.outputs.history), 'utf8'));
    expect(two.outputs.best_params).toEqual(one.outputs.best_params);
  });

  it.each([
    [{ max_depth: { type: 'int', min: 5, max: 2 } }, /^tune: space\.max_depth has min 5 and max 2; min must be at most max$/],
    [{ depht: [2, 4] }, /^tune: space\.depht is not a hyperparameter tune knows; for decision-tree use max_depth, min_samples$/],
    [{ max_depth: { type: 'float', min: 1, max: 6 } }, /^tune: space\.max_depth includes .*whole number/],
    [{ min_samples: 'lots' }, /^tune: space\.min_samples includes "lots"/],
  ])('a malformed space %j exits 2 with one line naming the parameter', (space, message) => {
    const r = runStep(dir, 'tune', { dataset: 'iris', model: 'decision-tree', space }, 'tune-bad');
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });
});
