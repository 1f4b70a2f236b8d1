/**
 * Values from outside (plans, templates, command files) are plain data: text, numbers, booleans,
 * null, lists and mappings, nested a bounded number of levels. They are walked recursively all
 * through Baton (expressions, substitution, messages, step inputs as JSON): a value 10,000 levels
 * deep, or one that contains itself through a YAML alias (`&a [*a]`), would overflow the stack
 * there, and a YAML `!!set` or `!!binary` would reach a step as `{}`. Real plans nest a handful of
 * levels, so the bound is far from anything a user writes.
 */
export const MAX_DEPTH = 64;

interface Frame {
  key: string;
  entries: [string, unknown][];
  next: number;
  value: object;
  /** Levels below this value seen so far. */
  height: number;
}

/**
 * What is wrong with a value, as a phrase naming where (`vars.a.b: nested more than 64 levels
 * deep`), or undefined when it is plain data. Iterative, so any depth is safe to check; a value
 * shared through aliases is walked once.
 */
export function plainDataProblem(value: unknown, root: string, limit = MAX_DEPTH): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const odd = oddObject(value);
  if (odd) return `${root}: ${odd}`;
  const stack: Frame[] = [{ key: root, entries: Object.entries(value), next: 0, value, height: 1 }];
  const open = new Set<object>([value]);
  const heights = new Map<object, number>();
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    const entry = frame.entries[frame.next++];
    if (!entry) {
      open.delete(frame.value);
      heights.set(frame.value, frame.height);
      stack.pop();
      const parent = stack[stack.length - 1];
      if (parent) parent.height = Math.max(parent.height, frame.height + 1);
      continue;
    }
    const [key, child] = entry;
    if (child === null || typeof child !== 'object') continue;
    const where = () => shortPath([...stack.map((f) => f.key), key]);
    if (open.has(child)) return `${where()}: contains itself (a YAML alias inside its own anchor)`;
    const odd = oddObject(child);
    if (odd) return `${where()}: ${odd}`;
    const height = heights.get(child);
    if (stack.length + (height ?? 1) > limit) return `${where()}: nested more than ${limit} levels deep`;
    if (height !== undefined) {
      frame.height = Math.max(frame.height, height + 1);
      continue;
    }
    open.add(child);
    stack.push({ key, entries: Object.entries(child), next: 0, value: child, height: 1 });
  }
  return undefined;
}

/** Why an object is not a plain list or mapping (a YAML timestamp, binary, set), or undefined. */
function oddObject(value: object): string | undefined {
  if (Array.isArray(value)) return undefined;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto === Object.prototype || proto === null) return undefined;
  const kind = value instanceof Date ? 'a timestamp' : value instanceof Uint8Array ? 'binary data' : value instanceof Set ? 'a set' : value instanceof Map ? 'a map with non-text keys' : 'a typed value';
  return `${kind} is not plain data; write it as text, a number, a list or a mapping`;
}

/** A dotted path, its middle elided when long. */
function shortPath(keys: string[]): string {
  const shown = keys.length > 8 ? [...keys.slice(0, 4), '…', ...keys.slice(-3)] : keys;
  return shown.filter(Boolean).map((k) => (k.length > 40 ? `${k.slice(0, 40)}…` : k)).join('.');
}
