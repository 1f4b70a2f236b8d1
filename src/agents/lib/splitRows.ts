import { groups as rowGroups, mulberry32, shuffled } from './random.js';
import type { Cell } from './table.js';

export interface Parts {
  train: number[];
  test: number[];
}

/**
 * How many of each group's rows go to test so the total is exactly `total`: each group gets its
 * share rounded down, and the rows left over go to the largest remainders (within one of the share).
 */
export function allocate(sizes: readonly number[], total: number): number[] {
  const n = sizes.reduce((s, x) => s + x, 0);
  const shares = sizes.map((size) => (n === 0 ? 0 : (size * total) / n));
  const counts = shares.map(Math.floor);
  let left = total - counts.reduce((s, x) => s + x, 0);
  const order = shares.map((s, i) => ({ i, rest: s - Math.floor(s) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
    left--;
  }
  return counts;
}

/** A seeded shuffle split of `nTest` rows to test; stratified by `labels` when given. */
export function randomSplit(n: number, nTest: number, seed: number, labels?: readonly string[]): Parts {
  const rand = mulberry32(seed);
  const groups = rowGroups(n, labels, rand);
  const counts = allocate(
    groups.map((g) => g.length),
    nTest,
  );
  const train: number[] = [];
  const test: number[] = [];
  groups.forEach((g, k) => {
    test.push(...g.slice(0, counts[k]));
    train.push(...g.slice(counts[k]));
  });
  return { train: shuffled(train, rand), test: shuffled(test, rand) };
}

/**
 * Whole groups to test, in a seeded order, each taken when it brings the test rows closer to
 * `nTest`: no group has rows on both sides, so the sizes are as near as the groups allow.
 */
export function groupSplit(groups: readonly string[], nTest: number, seed: number): Parts {
  const rand = mulberry32(seed);
  const members = rowGroups(groups.length, groups, rand);
  const test: number[] = [];
  const train: number[] = [];
  for (const g of shuffled(members, rand)) {
    const closer = Math.abs(test.length + g.length - nTest) < Math.abs(test.length - nTest);
    (closer ? test : train).push(...g);
  }
  return { train: shuffled(train, rand), test: shuffled(test, rand) };
}

/**
 * Row indices in the order of a column: numbers by value, text with digits compared as numbers,
 * so ISO dates and times (2024-03-01T09:30) and unpadded ones (2024-3-1) both sort by time.
 */
export function orderBy(values: readonly Cell[]): { order: number[]; missing: number } {
  const present = values.filter((v): v is number | string => v !== null);
  const allNumbers = present.every((v) => typeof v === 'number');
  const key = (v: Cell): number | string => (v === null ? -Infinity : allNumbers ? Number(v) : String(v));
  const order = values.map((_, i) => i);
  // Missing values sort first, so they never land in the test set as "latest".
  order.sort((a, b) => {
    const [x, y] = [key(values[a] ?? null), key(values[b] ?? null)];
    if (x === y) return a - b;
    if (x === -Infinity || y === -Infinity) return x === -Infinity ? -1 : 1;
    return typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'en', { numeric: true });
  });
  return { order, missing: values.length - present.length };
}

/** The last `nTest` rows of an order are the test set; nothing is shuffled. */
export function timeSplit(order: readonly number[], nTest: number): Parts {
  return { train: order.slice(0, order.length - nTest), test: order.slice(order.length - nTest) };
}

export interface Fold {
  train: number[];
  validation: number[];
}

/** Validation rows per fold to folds of train/validation: each fold trains on all the others. */
export function foldsFrom(validation: readonly number[][], n: number): Fold[] {
  return validation.map((v) => {
    const held = new Set(v);
    return { train: Array.from({ length: n }, (_, i) => i).filter((i) => !held.has(i)), validation: [...v] };
  });
}

/** k folds that keep each group whole: groups in a seeded order, largest first, to the smallest fold. */
export function groupFolds(groups: readonly string[], k: number, seed: number): number[][] {
  const rand = mulberry32(seed);
  const members = shuffled(rowGroups(groups.length, groups, rand), rand).sort((a, b) => b.length - a.length);
  const folds: number[][] = Array.from({ length: k }, () => []);
  for (const g of members) {
    const smallest = folds.reduce((best, f, i) => (f.length < (folds[best] ?? []).length ? i : best), 0);
    folds[smallest]?.push(...g);
  }
  return folds.map((f) => f.sort((a, b) => a - b));
}

/**
 * Forward-chaining folds over rows in time order: the rows split into k + 1 blocks, and fold i
 * trains on blocks 1..i and validates on block i + 1, so no fold sees the future.
 */
export function timeFolds(n: number, k: number): Fold[] {
  const edge = (b: number): number => Math.round((b * n) / (k + 1));
  return Array.from({ length: k }, (_, i) => ({
    train: Array.from({ length: edge(i + 1) }, (_, j) => j),
    validation: Array.from({ length: edge(i + 2) - edge(i + 1) }, (_, j) => edge(i + 1) + j),
  }));
}
