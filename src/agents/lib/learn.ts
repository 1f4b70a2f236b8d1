import { DecisionTreeClassifier } from 'ml-cart';
import { BadInputError } from './errors.js';
import { mulberry32, kFolds } from './random.js';
import { classificationScores, type Scores } from './stats.js';
import { isNumericColumn, type Table } from './table.js';

export const AVAILABLE_MODELS = ['decision-tree', 'random-forest'] as const;
export type ModelKind = (typeof AVAILABLE_MODELS)[number];
const PLANNED = ['logistic-regression', 'knn', 'naive-bayes', 'gradient-boosting', 'svm'];
const ALIASES: Record<string, ModelKind> = { rf: 'random-forest', forest: 'random-forest', dt: 'decision-tree', tree: 'decision-tree', cart: 'decision-tree' };

export function modelKind(name: string): ModelKind {
  const key = name.trim().toLowerCase().replace(/[\s_]+/g, '-');
  const kind = ALIASES[key] ?? key;
  if ((AVAILABLE_MODELS as readonly string[]).includes(kind)) return kind as ModelKind;
  const soon = PLANNED.includes(kind) ? ' yet' : '';
  throw new BadInputError(`model "${name}" is not available${soon}; available: ${AVAILABLE_MODELS.join(', ')}`);
}

export interface Hyper {
  maxDepth: number;
  minSamples: number;
  trees: number;
  /** Features each tree of a forest sees; 0 = ceil(sqrt(features)). */
  maxFeatures: number;
}

export const DEFAULT_HYPER: Hyper = { maxDepth: 10, minSamples: 3, trees: 25, maxFeatures: 0 };

/** Reads `params` (snake_case as users write it, or camelCase) over the defaults. */
export function hyperFrom(params: Record<string, unknown> | undefined, base: Hyper = DEFAULT_HYPER): Hyper {
  const h = { ...base };
  const pick = (keys: string[], min: number): number | undefined => {
    for (const k of keys) {
      const v = params?.[k];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new BadInputError(`params.${k} must be a whole number of at least ${min}`);
      return v;
    }
    return undefined;
  };
  h.maxDepth = pick(['max_depth', 'maxDepth', 'depth'], 1) ?? h.maxDepth;
  h.minSamples = pick(['min_samples', 'min_samples_leaf', 'minSamples'], 1) ?? h.minSamples;
  h.trees = pick(['trees', 'n_estimators', 'nEstimators'], 1) ?? h.trees;
  h.maxFeatures = pick(['max_features', 'maxFeatures'], 1) ?? h.maxFeatures;
  return h;
}

/** The learning view of a table: numeric feature matrix (null = missing) and string labels. */
export interface Supervised {
  target: string;
  features: string[];
  X: (number | null)[][];
  labels: string[];
  classes: string[];
  dropped: number;
}

export function supervised(table: Table, target?: string): Supervised {
  const t = target === undefined ? table.columns.length - 1 : table.columns.indexOf(target);
  if (t < 0) throw new BadInputError(`target column "${target}" not found; columns: ${table.columns.join(', ')}`);
  const featureIdx = table.columns.map((_, i) => i).filter((i) => i !== t && isNumericColumn(table, i));
  if (featureIdx.length === 0) throw new BadInputError(`no numeric feature columns besides the target "${table.columns[t]}"`);
  const rows = table.rows.filter((r) => r[t] !== null && r[t] !== undefined);
  const labels = rows.map((r) => String(r[t]));
  const classes = [...new Set(labels)].sort();
  if (classes.length < 2) throw new BadInputError(`target "${table.columns[t]}" has fewer than 2 classes; pick another column with target`);
  if (classes.length > Math.max(20, rows.length / 2)) {
    throw new BadInputError(`target "${table.columns[t]}" has ${classes.length} distinct values; it looks continuous, and only classification is available`);
  }
  return {
    target: table.columns[t] ?? '',
    features: featureIdx.map((i) => table.columns[i] ?? ''),
    X: rows.map((r) => featureIdx.map((i) => r[i] as number | null)),
    labels,
    classes,
    dropped: table.rows.length - rows.length,
  };
}

export function columnMeans(X: readonly (number | null)[][], rows: readonly number[]): number[] {
  const width = X[0]?.length ?? 0;
  return Array.from({ length: width }, (_, j) => {
    const present = rows.map((i) => X[i]?.[j]).filter((v): v is number => typeof v === 'number');
    return present.length ? present.reduce((a, b) => a + b, 0) / present.length : 0;
  });
}

export function impute(X: readonly (number | null)[][], means: readonly number[]): number[][] {
  return X.map((r) => r.map((v, j) => v ?? means[j] ?? 0));
}

export interface FittedTree {
  features: number[];
  tree: DecisionTreeClassifier;
}

/** One CART tree, or a bagged forest: bootstrap rows and a random feature subset per tree. */
export function fit(X: number[][], y: number[], kind: ModelKind, h: Hyper, seed: number): FittedTree[] {
  const width = X[0]?.length ?? 0;
  const all = Array.from({ length: width }, (_, j) => j);
  const options = { maxDepth: h.maxDepth, minNumSamples: h.minSamples };
  if (kind === 'decision-tree') {
    const tree = new DecisionTreeClassifier(options);
    tree.train(X, y);
    return [{ features: all, tree }];
  }
  const rand = mulberry32(seed);
  const m = Math.min(width, h.maxFeatures || Math.ceil(Math.sqrt(width)));
  return Array.from({ length: h.trees }, () => {
    const rows = Array.from({ length: X.length }, () => Math.floor(rand() * X.length));
    const features = all.map((j) => ({ j, r: rand() })).sort((a, b) => a.r - b.r).slice(0, m).map((f) => f.j).sort((a, b) => a - b);
    const tree = new DecisionTreeClassifier(options);
    tree.train(rows.map((i) => features.map((j) => X[i]?.[j] ?? 0)), rows.map((i) => y[i] ?? 0));
    return { features, tree };
  });
}

/** Majority vote of the trees; ties go to the lower class index. */
export function predict(trees: readonly FittedTree[], X: number[][]): number[] {
  const votes = X.map(() => new Map<number, number>());
  for (const { features, tree } of trees) {
    const preds = tree.predict(X.map((r) => features.map((j) => r[j] ?? 0)));
    preds.forEach((p, i) => votes[i]?.set(p, (votes[i]?.get(p) ?? 0) + 1));
  }
  return votes.map((v) => [...v.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0);
}

/** Seeded, stratified k-fold cross-validation; imputation means come from each training part. */
export function crossValidate(data: Supervised, kind: ModelKind, h: Hyper, folds: number, seed: number, onFold?: (fold: number, scores: Scores) => void): Scores[] {
  if (folds > data.X.length) throw new BadInputError(`folds is ${folds} but the dataset has only ${data.X.length} rows`);
  const y = data.labels.map((l) => data.classes.indexOf(l));
  const testFolds = kFolds(data.X.length, folds, seed, data.labels);
  return testFolds.map((test, f) => {
    const inTest = new Set(test);
    const train = data.X.map((_, i) => i).filter((i) => !inTest.has(i));
    const means = columnMeans(data.X, train);
    const Xall = impute(data.X, means);
    const trees = fit(train.map((i) => Xall[i] ?? []), train.map((i) => y[i] ?? 0), kind, h, seed + f);
    const predicted = predict(trees, test.map((i) => Xall[i] ?? []));
    const scores = classificationScores(test.map((i) => y[i] ?? 0), predicted);
    onFold?.(f, scores);
    return scores;
  });
}
