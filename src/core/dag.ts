/**
 * DAG operations over anything with an id and needs. Pure and O(V+E): the scheduler calls these
 * for every run, and the 500-step benchmark notices anything quadratic.
 */
export interface DagNode {
  id: string;
  needs: readonly string[];
}

/** The steps in an order where every step comes after its needs; ties keep plan order. */
export function topologicalOrder<T extends DagNode>(nodes: readonly T[]): T[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const indegree = new Map<string, number>();
  for (const n of nodes) indegree.set(n.id, n.needs.filter((d) => byId.has(d)).length);
  const dependants = dependantsOf(nodes);
  const queue = nodes.filter((n) => indegree.get(n.id) === 0);
  const order: T[] = [];
  for (let i = 0; i < queue.length; i++) {
    const n = queue[i] as T;
    order.push(n);
    for (const child of dependants.get(n.id) ?? []) {
      const left = (indegree.get(child) ?? 0) - 1;
      indegree.set(child, left);
      if (left === 0) queue.push(byId.get(child) as T);
    }
  }
  return order;
}

/** For each id, the steps that name it in their needs. */
export function dependantsOf(nodes: readonly DagNode[]): Map<string, string[]> {
  const dependants = new Map<string, string[]>();
  for (const n of nodes) {
    for (const d of n.needs) {
      const list = dependants.get(d);
      if (list) list.push(n.id);
      else dependants.set(d, [n.id]);
    }
  }
  return dependants;
}

/**
 * One cycle as a path that starts and ends on the same id, or undefined for a DAG. Depth-first
 * with its own stack: a chain of 20,000 steps would overflow the call stack of a recursive walk.
 */
export function findCycle(nodes: readonly DagNode[]): string[] | undefined {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const state = new Map<string, 'open' | 'done'>();
  for (const root of nodes) {
    if (state.has(root.id)) continue;
    // The open path, each with the index of the next need to follow.
    const path: { id: string; next: number }[] = [{ id: root.id, next: 0 }];
    state.set(root.id, 'open');
    while (path.length > 0) {
      const top = path[path.length - 1] as { id: string; next: number };
      const needs = byId.get(top.id)?.needs ?? [];
      if (top.next >= needs.length) {
        state.set(top.id, 'done');
        path.pop();
        continue;
      }
      const d = needs[top.next++] as string;
      if (!byId.has(d)) continue;
      const mark = state.get(d);
      if (mark === 'done') continue;
      if (mark === 'open') {
        const ids = path.map((p) => p.id);
        return [...ids.slice(ids.indexOf(d)), d].reverse();
      }
      state.set(d, 'open');
      path.push({ id: d, next: 0 });
    }
  }
  return undefined;
}

/** Level of each step: 0 for roots, else one more than its deepest need. Steps on one level can run together. */
export function levels(nodes: readonly DagNode[]): string[][] {
  const level = new Map<string, number>();
  for (const n of topologicalOrder(nodes)) {
    let l = 0;
    for (const d of n.needs) l = Math.max(l, (level.get(d) ?? -1) + 1);
    level.set(n.id, l);
  }
  const out: string[][] = [];
  for (const n of nodes) {
    const l = level.get(n.id) ?? 0;
    (out[l] ??= []).push(n.id);
  }
  return out;
}

/**
 * For each step, the longest estimated time from its start to the end of the workflow (its
 * "bottom level"). Ready steps with the largest value are on the critical path and go first.
 */
export function remainingTime(nodes: readonly DagNode[], estimate: (id: string) => number): Map<string, number> {
  const dependants = dependantsOf(nodes);
  const remaining = new Map<string, number>();
  for (const n of topologicalOrder(nodes).reverse()) {
    let tail = 0;
    for (const c of dependants.get(n.id) ?? []) tail = Math.max(tail, remaining.get(c) ?? 0);
    remaining.set(n.id, estimate(n.id) + tail);
  }
  return remaining;
}

/** The chain of steps that bounds the run's duration, and that duration. */
export function criticalPath(nodes: readonly DagNode[], estimate: (id: string) => number): { path: string[]; totalMs: number } {
  if (nodes.length === 0) return { path: [], totalMs: 0 };
  const remaining = remainingTime(nodes, estimate);
  const dependants = dependantsOf(nodes);
  const best = (ids: readonly string[]): string | undefined =>
    ids.reduce<string | undefined>((a, b) => (a === undefined || (remaining.get(b) ?? 0) > (remaining.get(a) ?? 0) ? b : a), undefined);
  const roots = nodes.filter((n) => n.needs.length === 0).map((n) => n.id);
  const path: string[] = [];
  for (let id = best(roots); id !== undefined; id = best(dependants.get(id) ?? [])) path.push(id);
  return { path, totalMs: remaining.get(path[0] ?? '') ?? 0 };
}

/** Every step that `id` depends on, directly or not. */
export function ancestors(nodes: readonly DagNode[], id: string): Set<string> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const seen = new Set<string>();
  const stack = [...(byId.get(id)?.needs ?? [])];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    // One by one: spreading a list of 200,000 needs into push() overflows the stack.
    for (const d of byId.get(next)?.needs ?? []) stack.push(d);
  }
  return seen;
}

/** Above this many steps, dependencyCheck searches instead of keeping a bit per pair (12.5 MB at 10,000). */
const BITSET_LIMIT = 10_000;

/**
 * Answers "does `id` depend on `on`, directly or not?" for one plan. Each step's ancestors are
 * kept as bits, filled in topological order on the first question, so checking every step of a
 * 10,000-step chain costs milliseconds, where computing each step's `ancestors` is quadratic.
 * A plan with a cycle, or too many steps for the bits, is searched instead.
 */
export function dependencyCheck(nodes: readonly DagNode[]): (id: string, on: string) => boolean {
  let bits: { index: Map<string, number>; words: number; rows: Uint32Array } | null | undefined;
  const search = searchCheck(nodes);
  return (id, on) => {
    if (bits === undefined) bits = ancestorBits(nodes);
    if (bits === null) return search(id, on);
    const i = bits.index.get(id);
    const j = bits.index.get(on);
    if (i === undefined || j === undefined) return false;
    return ((bits.rows[i * bits.words + (j >> 5)] ?? 0) & (1 << (j & 31))) !== 0;
  };
}

function ancestorBits(nodes: readonly DagNode[]): { index: Map<string, number>; words: number; rows: Uint32Array } | null {
  if (nodes.length > BITSET_LIMIT) return null;
  const order = topologicalOrder(nodes);
  if (order.length !== nodes.length) return null;
  const index = new Map(order.map((n, i) => [n.id, i]));
  if (index.size !== nodes.length) return null;
  const words = Math.ceil(nodes.length / 32);
  const rows = new Uint32Array(nodes.length * words);
  order.forEach((n, i) => {
    const row = i * words;
    for (const d of n.needs) {
      const j = index.get(d);
      if (j === undefined) continue;
      rows[row + (j >> 5)] = (rows[row + (j >> 5)] ?? 0) | (1 << (j & 31));
      const need = j * words;
      for (let w = 0; w < words; w++) rows[row + w] = (rows[row + w] ?? 0) | (rows[need + w] ?? 0);
    }
  });
  return { index, words, rows };
}

/** The same question by a search that stops when it finds `on`, remembering its answers. */
function searchCheck(nodes: readonly DagNode[]): (id: string, on: string) => boolean {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const known = new Map<string, boolean>();
  return (id, on) => {
    const key = `${id}\u0000${on}`;
    const cached = known.get(key);
    if (cached !== undefined) return cached;
    const seen = new Set<string>();
    const stack = [...(byId.get(id)?.needs ?? [])];
    let found = false;
    while (stack.length > 0 && !found) {
      const next = stack.pop() as string;
      if (next === on) found = true;
      else if (!seen.has(next)) {
        seen.add(next);
        for (const d of byId.get(next)?.needs ?? []) stack.push(d);
      }
    }
    known.set(key, found);
    return found;
  };
}
