/**
 * A forEach step's outputs: each output name becomes a list with one entry per instance, in item
 * order (null where an instance did not produce it), plus `items` and `count`.
 */
export function aggregateOutputs(items: readonly unknown[], instanceOutputs: readonly (Record<string, unknown> | undefined)[]): Record<string, unknown> {
  const names = new Set<string>();
  for (const o of instanceOutputs) for (const k of Object.keys(o ?? {})) names.add(k);
  const out: Record<string, unknown> = {};
  for (const name of names) out[name] = instanceOutputs.map((o) => (o && name in o ? o[name] : null));
  out.items = [...items];
  out.count = items.length;
  return out;
}

function numbers(list: readonly unknown[]): number[] {
  return list.map((v) => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : Number.NaN));
}

/** Index of the largest number (the first on ties); -1 for an empty list or no numbers. */
export function argmax(list: readonly unknown[]): number {
  const ns = numbers(list);
  let best = -1;
  ns.forEach((n, i) => {
    if (!Number.isNaN(n) && (best < 0 || n > (ns[best] ?? -Infinity))) best = i;
  });
  return best;
}

export function argmin(list: readonly unknown[]): number {
  return argmax(numbers(list).map((n) => -n));
}

/** The outputs of the best instance by `metric`: aggregated lists picked at its index. */
export function best(aggregated: Record<string, unknown>, metric: string, lowerIsBetter = false): Record<string, unknown> {
  const values = aggregated[metric];
  if (!Array.isArray(values)) throw new Error(`no list output "${metric}" to pick the best by (outputs: ${Object.keys(aggregated).join(', ')})`);
  const i = lowerIsBetter ? argmin(values) : argmax(values);
  if (i < 0) throw new Error(`output "${metric}" has no numbers to pick the best by`);
  const out: Record<string, unknown> = { index: i };
  for (const [k, v] of Object.entries(aggregated)) if (Array.isArray(v) && k !== 'items') out[k] = v[i];
  out.item = Array.isArray(aggregated.items) ? aggregated.items[i] : undefined;
  return out;
}
