/** mulberry32: a tiny seeded PRNG, so splits and folds repeat for the same seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates, returning a new array. */
export function shuffled<T>(items: readonly T[], rand: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Row indices grouped by label in first-seen order, each group shuffled; one group when there are no labels. */
export function groups(n: number, labels: readonly string[] | undefined, rand: () => number): number[][] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (!labels) return [shuffled(all, rand)];
  const byLabel = new Map<string, number[]>();
  for (const i of all) {
    const key = labels[i] ?? '';
    const group = byLabel.get(key) ?? [];
    group.push(i);
    byLabel.set(key, group);
  }
  return [...byLabel.values()].map((g) => shuffled(g, rand));
}

/** k folds of test indices, stratified when labels are given (dealt round-robin per class). */
export function kFolds(n: number, k: number, seed: number, labels?: readonly string[]): number[][] {
  const rand = mulberry32(seed);
  const folds: number[][] = Array.from({ length: k }, () => []);
  let next = 0;
  for (const group of groups(n, labels, rand)) {
    for (const i of group) {
      (folds[next % k] as number[]).push(i);
      next++;
    }
  }
  return folds.map((f) => f.sort((a, b) => a - b));
}

/** A train/test split of row indices; stratified keeps each label's share in both parts. */
export function trainTestSplit(n: number, testSize: number, seed: number, labels?: readonly string[]): { train: number[]; test: number[] } {
  const rand = mulberry32(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const group of groups(n, labels, rand)) {
    const nTest = Math.round(group.length * testSize);
    test.push(...group.slice(0, nTest));
    train.push(...group.slice(nTest));
  }
  return { train: shuffled(train, rand), test: shuffled(test, rand) };
}
