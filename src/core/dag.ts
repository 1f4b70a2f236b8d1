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

/** One cycle as a path that starts and ends on the same id, or undefined for a DAG. */
export function findCycle(nodes: readonly DagNode[]): string[] | undefined {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const mark = state.get(id);
    if (mark === 'done') return undefined;
    if (mark === 'open') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'open');
    stack.push(id);
    for (const d of byId.get(id)?.needs ?? []) {
      if (!byId.has(d)) continue;
      const cycle = visit(d);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const n of nodes) {
    const cycle = visit(n.id);
    if (cycle) return cycle.reverse();
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
    stack.push(...(byId.get(next)?.needs ?? []));
  }
  return seen;
}
