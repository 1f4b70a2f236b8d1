import { BadInputError } from './errors.js';
import { hyperFrom } from './learn.js';
import { fromUnit, parseSpace, type ParamSpec, type Space, type Value } from './searchSpace.js';

/**
 * Default search spaces per model, and a check that each parameter is one the model reads: a
 * parameter is tunable when learn.ts's hyperFrom changes its result for it, so a space keeps
 * working as learn.ts learns new parameters, and a misspelt one is refused instead of ignored.
 */
const int = (min: number, max: number, log = false): ParamSpec => ({ type: 'int', min, max, log });
const float = (min: number, max: number, log = false): ParamSpec => ({ type: 'float', min, max, log });

function defaults(kind: string, features: number): Space {
  const maxFeatures: Space = features > 1 ? { max_features: int(1, features) } : {};
  switch (kind) {
    case 'decision-tree':
      return { max_depth: int(1, 16), min_samples: int(1, 32, true) };
    case 'random-forest':
      return { trees: int(10, 100, true), max_depth: int(2, 16), min_samples: int(1, 16, true), ...maxFeatures };
    case 'knn':
      return { k: int(1, 30) };
    case 'logistic-regression':
      return { learning_rate: float(0.001, 10, true), epochs: int(10, 1000, true) };
    default:
      return {};
  }
}

const KNOWN = [...new Set(['decision-tree', 'random-forest', 'knn', 'logistic-regression'].flatMap((k) => Object.keys(defaults(k, 2))))];

function probeValues(spec: ParamSpec): Value[] {
  return spec.type === 'categorical' ? spec.values : [spec.min, spec.max, fromUnit(spec, 0.37)];
}

function hyperKey(name: string, v: Value): string | undefined {
  try {
    return JSON.stringify(hyperFrom({ [name]: v }));
  } catch {
    return undefined;
  }
}

/** Whether learn.ts reads `name` (its value changes the hyperparameters); throws for values it refuses. */
function reads(name: string, spec: ParamSpec): boolean {
  const values = probeValues(spec);
  for (const v of values) {
    try {
      hyperFrom({ [name]: v });
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new BadInputError(`space.${name} includes ${JSON.stringify(v)}, which the model refuses (${why})`);
    }
  }
  // A single value says nothing by itself, so numbers get neighbours to compare with.
  const extra = values.flatMap((v) => (typeof v === 'number' ? [v + 1, v * 2 + 1] : []));
  const seen = new Set([...values, ...extra].map((v) => hyperKey(name, v)).filter((k) => k !== undefined));
  return seen.size > 1;
}

function readsQuietly(name: string, spec: ParamSpec): boolean {
  try {
    return reads(name, spec);
  } catch {
    return false;
  }
}

/** The parameters that matter for `kind`, or every known one when it has none. */
export function usualParams(kind: string): string[] {
  const own = Object.entries(defaults(kind, 2)).filter(([name, spec]) => readsQuietly(name, spec)).map(([name]) => name);
  return own.length > 0 ? own : KNOWN.filter((name) => readsQuietly(name, int(1, 5)));
}

/** The user's space, checked against the model, or the model's default space. */
export function resolveSpace(raw: Record<string, unknown> | undefined, kind: string, features: number): Space {
  if (raw) {
    const space = parseSpace(raw);
    for (const [name, spec] of Object.entries(space)) {
      if (!reads(name, spec)) {
        throw new BadInputError(`space.${name} is not a hyperparameter tune knows; for ${kind} use ${usualParams(kind).join(', ') || 'none'}`);
      }
    }
    return space;
  }
  const space = Object.fromEntries(Object.entries(defaults(kind, features)).filter(([name, spec]) => readsQuietly(name, spec)));
  if (Object.keys(space).length === 0) throw new BadInputError(`${kind} has no hyperparameters to tune here; tune decision-tree, random-forest, knn or logistic-regression, or give a space`);
  return space;
}
