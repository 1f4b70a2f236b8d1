import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ancestors, criticalPath, findCycle, levels, remainingTime, topologicalOrder, type DagNode } from '../../src/core/dag.js';

const node = (id: string, ...needs: string[]): DagNode => ({ id, needs });
const ids = (nodes: readonly DagNode[]): string[] => nodes.map((n) => n.id);

// prep → (fast, slow) → report: the diamond every ML pipeline has.
const diamond = [node('prep'), node('fast', 'prep'), node('slow', 'prep'), node('report', 'fast', 'slow')];
const estimates: Record<string, number> = { prep: 1000, fast: 2000, slow: 30_000, report: 500 };
const estimate = (id: string): number => estimates[id] ?? 0;

describe('topologicalOrder', () => {
  it('puts every step after its needs even when the plan lists it first', () => {
    const order = ids(topologicalOrder([node('deploy', 'train'), node('train', 'prep'), node('prep')]));
    expect(order).toEqual(['prep', 'train', 'deploy']);
  });

  it('keeps plan order between steps that are free at the same time', () => {
    const order = ids(topologicalOrder([node('c'), node('a'), node('b'), node('z', 'b', 'c')]));
    expect(order).toEqual(['c', 'a', 'b', 'z']);
  });

  it('ignores needs that name no step (planCheck reports those)', () => {
    expect(ids(topologicalOrder([node('a', 'ghost'), node('b', 'a')]))).toEqual(['a', 'b']);
  });

  it('leaves out steps caught in a cycle rather than looping', () => {
    expect(ids(topologicalOrder([node('root'), node('a', 'b'), node('b', 'a')]))).toEqual(['root']);
  });

  it('returns the caller’s own objects', () => {
    const steps = [{ id: 'a', needs: [], extra: 1 }];
    expect(topologicalOrder(steps)[0]).toBe(steps[0]);
  });
});

describe('findCycle', () => {
  it('is undefined for a DAG', () => {
    expect(findCycle(diamond)).toBeUndefined();
  });

  it('returns the two-step cycle as a path that closes on itself', () => {
    expect(findCycle([node('a', 'b'), node('b', 'a')])).toEqual(['a', 'b', 'a']);
  });

  it('follows the direction work flows: each step is followed by one that needs it', () => {
    // a needs c, b needs a, c needs b: work flows a → b → c → a.
    expect(findCycle([node('a', 'c'), node('b', 'a'), node('c', 'b')])).toEqual(['a', 'b', 'c', 'a']);
  });

  it('reports only the steps in the cycle, not the ones leading into it', () => {
    const cycle = findCycle([node('prep'), node('x', 'prep', 'y'), node('y', 'x'), node('z', 'y')]);
    expect(cycle).toBeDefined();
    expect(new Set(cycle)).toEqual(new Set(['x', 'y']));
    expect(cycle?.[0]).toBe(cycle?.at(-1));
  });

  it('finds a step that needs itself', () => {
    expect(findCycle([node('loop', 'loop')])).toEqual(['loop', 'loop']);
  });
});

describe('levels', () => {
  it('groups steps that can run together, roots first', () => {
    expect(levels(diamond)).toEqual([['prep'], ['fast', 'slow'], ['report']]);
  });

  it('puts a step one level below its deepest need', () => {
    expect(levels([node('a'), node('b', 'a'), node('c', 'b'), node('d', 'a', 'c')])).toEqual([['a'], ['b'], ['c'], ['d']]);
  });

  it('is empty for no steps', () => {
    expect(levels([])).toEqual([]);
  });
});

describe('remainingTime', () => {
  it('is each step’s own estimate plus its longest tail', () => {
    const remaining = remainingTime(diamond, estimate);
    expect(remaining.get('report')).toBe(500);
    expect(remaining.get('fast')).toBe(2500);
    expect(remaining.get('slow')).toBe(30_500);
    expect(remaining.get('prep')).toBe(31_500);
  });
});

describe('criticalPath', () => {
  it('picks the long branch of a diamond and sums its estimates', () => {
    expect(criticalPath(diamond, estimate)).toEqual({ path: ['prep', 'slow', 'report'], totalMs: 31_500 });
  });

  it('follows the other branch when it becomes the slow one', () => {
    const flipped = (id: string): number => (id === 'fast' ? 60_000 : estimate(id));
    expect(criticalPath(diamond, flipped)).toEqual({ path: ['prep', 'fast', 'report'], totalMs: 61_500 });
  });

  it('chooses the longest of several independent chains', () => {
    const nodes = [node('a'), node('b', 'a'), node('x'), node('y', 'x')];
    const est = (id: string): number => ({ a: 1, b: 1, x: 5, y: 5 })[id] ?? 0;
    expect(criticalPath(nodes, est)).toEqual({ path: ['x', 'y'], totalMs: 10 });
  });

  it('is empty with zero duration for an empty plan', () => {
    expect(criticalPath([], estimate)).toEqual({ path: [], totalMs: 0 });
  });
});

describe('ancestors', () => {
  it('collects direct and indirect needs, but not the step itself or its dependants', () => {
    expect(ancestors(diamond, 'report')).toEqual(new Set(['fast', 'slow', 'prep']));
    expect(ancestors(diamond, 'slow')).toEqual(new Set(['prep']));
    expect(ancestors(diamond, 'prep')).toEqual(new Set());
  });

  it('is empty for an unknown id', () => {
    expect(ancestors(diamond, 'nope').size).toBe(0);
  });
});

/** A random DAG: step i may only need steps with a lower index, so there is never a cycle. */
const randomDag = fc.integer({ min: 1, max: 25 }).chain((n) =>
  fc
    .array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n * 3 })
    .map((pairs) => {
      const nodes = Array.from({ length: n }, (_, i) => ({ id: `s${i}`, needs: [] as string[] }));
      const edges: [number, number][] = [];
      for (const [x, y] of pairs) {
        if (x === y) continue;
        const [from, to] = x < y ? [x, y] : [y, x];
        const needs = nodes[to]?.needs ?? [];
        if (needs.includes(`s${from}`)) continue;
        needs.push(`s${from}`);
        edges.push([from, to]);
      }
      return { nodes, edges };
    }),
);

describe('DAG properties', () => {
  it('topologicalOrder is a permutation that respects every edge', () => {
    fc.assert(
      fc.property(randomDag, ({ nodes }) => {
        const order = ids(topologicalOrder(nodes));
        expect([...order].sort()).toEqual(ids(nodes).sort());
        const position = new Map(order.map((id, i) => [id, i]));
        for (const n of nodes) for (const d of n.needs) expect(position.get(d)).toBeLessThan(position.get(n.id) ?? -1);
      }),
      { numRuns: 200 },
    );
  });

  it('findCycle finds nothing in a DAG', () => {
    fc.assert(
      fc.property(randomDag, ({ nodes }) => {
        expect(findCycle(nodes)).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it('a back edge makes findCycle return a closed path along real edges', () => {
    const withEdge = randomDag.filter(({ edges }) => edges.length > 0).chain((dag) => fc.record({ dag: fc.constant(dag), pick: fc.nat(dag.edges.length - 1) }));
    fc.assert(
      fc.property(withEdge, ({ dag, pick }) => {
        const [from, to] = dag.edges[pick] ?? [0, 0];
        // `to` needs `from`; making `from` need `to` closes a cycle.
        const nodes = dag.nodes.map((n) => ({ id: n.id, needs: [...n.needs] }));
        nodes[from]?.needs.push(`s${to}`);
        const cycle = findCycle(nodes);
        expect(cycle).toBeDefined();
        const path = cycle ?? [];
        expect(path.length).toBeGreaterThanOrEqual(3);
        expect(path[0]).toBe(path.at(-1));
        const byId = new Map(nodes.map((n) => [n.id, n]));
        for (let i = 0; i + 1 < path.length; i++) {
          // Work flows from path[i] to path[i + 1]: the later one needs the earlier.
          expect(byId.get(path[i + 1] ?? '')?.needs).toContain(path[i]);
        }
        expect(new Set(path.slice(1)).size).toBe(path.length - 1);
      }),
      { numRuns: 200 },
    );
  });
});
