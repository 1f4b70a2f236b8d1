/**
 * Malformed input for the fuzz tests (test/unit/fuzz*.test.ts) and the fuzz benchmark: plan
 * documents, command files and plain-English requests, from fast-check. Shared so that the
 * benchmark's 10,000-input runs try exactly what the tests try, only more of it.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { isBatonError, ValidationError } from '../src/core/errors.js';

/** The seed every fuzz run starts from unless FUZZ_SEED says otherwise; fast-check prints it with a failure. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_260_808);

// ---------------------------------------------------------------------------------------------
// Values

const MEGABYTE = 'x'.repeat(1 << 20);

/** Lists or mappings nested `depth` levels, built without recursion. */
export function nested(depth: number, kind: 'list' | 'map'): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = kind === 'list' ? [value] : { a: value };
  return value;
}

/** Text that trips parsers: numbers spelt oddly, YAML indicators, template markers, control and bidi characters. */
const NASTY_TEXT = [
  '', ' ', '\n', '\t', '\r\n', 'NaN', 'nan', '.nan', 'Infinity', '-Infinity', '.inf', '-.inf', '1e308', '1e400', '-1e308', '-0', '0x1F', '0o17', '1_000',
  '~', 'null', 'Null', 'true', 'yes', 'no', 'on', 'off', '<<', '*a', '&a', '!!str', '!!binary', '%YAML', '@', '`', '|', '>', '? ', '- ', ': ', '#', '---', '...',
  '${{', '}}', '${{ }}', '${{ steps.a.outputs.x }}', '${{ steps.nope.outputs.x }}', '${{ vars.nope }}', '${{ params.nope }}', '${{ ((((( }}', '${{ 1 +* 2 }}',
  'steps.a.outputs.accuracy > 0.9', 'steps.a.status == "failed"', 'outputs.loss < 0.1', '!(true)', 'a'.repeat(300),
  '\u0000', '\u0007', '\u001b[31mred\u001b[0m', '\u202eevil', '\u200f', '\ufeff', '\ud800', '🚀', 'é', 'مرحبا', 'שלום', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  'builtin:train', 'builtin:', 'builtin:Bad Name', 'exponential', 'fixed', 'transient', 'resource', 'permanent', 'user', 'critical',
  '1s', '10m', '1h30m', '500ms', '0s', '-1s', '1e308s', '99999999999999999999d', '30d', '1.5.5s', 's', '10 m', 'later',
];

const nastyScalar: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY_TEXT), weight: 80 },
  { arbitrary: fc.constantFrom(1e308, -1e308, -0, 0, 1, -1, 0.5, 2 ** 31, 2 ** 53 + 2, 1e-320, Number.NaN, Infinity, -Infinity), weight: 60 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 24 }), weight: 40 },
  { arbitrary: fc.double(), weight: 20 },
  { arbitrary: fc.integer(), weight: 20 },
  { arbitrary: fc.boolean(), weight: 20 },
  { arbitrary: fc.constant(null), weight: 20 },
);

const keyText = fc.oneof(
  fc.constantFrom('a', 'b', 'x', 'id', 'run', 'needs', 'args', 'steps', '__proto__', 'constructor', 'toString', '', ' ', 'a.b', 'a b', '$', '${{ x }}', 'nedds', 'comand', '0', '1e3'),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

/** Any value a YAML or JSON document can hold, small. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  {
    arbitrary: fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, nastyScalar, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(keyText, tie('value'), { maxKeys: 4 })),
    })).value,
    weight: 4,
  },
  { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 1 },
);

/** Values too big or too deep for a person to write: one goes in a few plans of every hundred. */
export const hugeValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.tuple(fc.integer({ min: 60, max: 10_000 }), fc.constantFrom<'list' | 'map'>('list', 'map')).map(([d, k]) => nested(d, k)),
  fc.constant(MEGABYTE),
  fc.constant(Array.from({ length: 100_000 }, (_, i) => i)),
  fc.constant(Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]))),
);

/** A mapping with, now and then, a key nobody declared (a typo, a line break, an escape sequence). */
function withExtraKeys<T extends object>(record: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.tuple(record, fc.option(fc.dictionary(keyText, nastyValue, { minKeys: 1, maxKeys: 2 }), { freq: 3 })).map(([r, extra]) => (extra ? { ...r, ...extra } : r));
}

/** A field's own kind of value most of the time, anything at all otherwise: wrong types in every field. */
function field<T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: good, weight: 5 }, { arbitrary: nastyValue, weight: 1 });
}

// ---------------------------------------------------------------------------------------------
// Plans

/** Step ids, a few of them names that need and else lists point at (cycles, self-reference, typos). */
const IDS = ['a', 'b', 'c', 'train', 'evaluate_1', 'x_2', 'A'];
const stepId = fc.constantFrom(...IDS);
const COMMANDS = ['train', 'evaluate', 'deploy', 'shell', 'report', 'ingest', 'trian', 'nope', ''];
/** Templates of the fuzz catalog (see fuzzTemplates) and a few that do not exist. */
export const TEMPLATE_NAMES = ['loop', 'ping', 'pong', 'deep1', 'fine', 'train-and-evaluate', 'nope'];
const EXPRESSIONS = [
  'steps.a.outputs.accuracy > 0.9', 'steps.b.status == "failed"', 'steps.train.outputs.x', 'vars.threshold > 1', 'params.p', 'true', '!(false)',
  'steps.a.outputs.x >', '((((', 'steps["a"].outputs.y', 'outputs.loss < 0.1', 'steps.itself.outputs.x', '1 / 0', 'size(steps.a.outputs.models) > 2',
];
const template = fc.constantFrom(...EXPRESSIONS).map((e) => `\${{ ${e} }}`);

const argv = fc.array(fc.oneof(fc.constantFrom('node', 'true', 'echo', '--flag', 'x; rm -rf /'), template, fc.integer(), fc.boolean()), { minLength: 1, maxLength: 4 });
const retry = fc.oneof(
  fc.integer({ min: 1, max: 100 }),
  fc.record(
    { attempts: field(fc.integer({ min: 1, max: 100 })), backoff: field(fc.constantFrom('exponential', 'fixed')), initial: field(fc.constantFrom('1s', 1, '10ms')), max: field(fc.constantFrom('60s', 30)), jitter: field(fc.boolean()), on: field(fc.subarray(['transient', 'resource', 'permanent', 'user'])) },
    { requiredKeys: [] },
  ),
);
const alternative = fc.oneof(fc.constantFrom(...COMMANDS), fc.record({ command: fc.constantFrom(...COMMANDS), args: fc.dictionary(keyText, nastyValue, { maxKeys: 2 }) }, { requiredKeys: [] }), fc.record({ run: argv }));
const idList = fc.oneof(stepId, fc.array(stepId, { maxLength: 4 }));

const step = withExtraKeys(fc.record(
  {
    id: field(stepId),
    description: field(fc.string()),
    command: field(fc.constantFrom(...COMMANDS)),
    run: field(argv),
    uses: field(fc.constantFrom(...TEMPLATE_NAMES)),
    with: field(fc.dictionary(fc.constantFrom('dataset', 'model', 'p', 'nope'), fc.oneof(nastyValue, template), { maxKeys: 3 })),
    args: field(fc.dictionary(fc.constantFrom('dataset', 'model', 'folds', 'env', 'command', 'nope'), fc.oneof(nastyValue, template), { maxKeys: 3 })),
    needs: field(idList),
    if: field(fc.oneof(fc.constantFrom(...EXPRESSIONS), fc.boolean())),
    else: field(idList),
    retry: field(retry),
    timeout: field(fc.constantFrom('10m', '30d', 1e308, -1, '1e308s', 0)),
    resources: field(fc.oneof(fc.constant('gpu'), fc.array(fc.constantFrom('gpu', 'gpus', 'disk')))),
    agent: field(fc.constantFrom('worker', 'nobody', '')),
    env: field(fc.dictionary(keyText, nastyScalar, { maxKeys: 3 })),
    priority: field(fc.integer()),
    continueOnError: field(fc.boolean()),
    fallback: field(alternative),
    undo: field(alternative),
    errors: field(fc.array(fc.record({ class: fc.constantFrom('transient', 'resource', 'bogus'), exitCodes: fc.oneof(fc.integer(), fc.array(fc.integer())), pattern: fc.constantFrom('oom', '(', '[a-', '(a+)+$') }, { requiredKeys: [] }), { maxLength: 2 })),
    forEach: field(fc.oneof(fc.array(nastyValue, { maxLength: 3 }), template)),
    until: field(fc.constantFrom(...EXPRESSIONS)),
    maxIterations: field(fc.integer({ min: 1, max: 10_000 })),
    export: field(fc.dictionary(keyText, fc.oneof(template, nastyValue), { maxKeys: 2 })),
    checkpoint: field(fc.boolean()),
    severity: field(fc.constantFrom('info', 'warning', 'error', 'critical', 'fatal')),
    nedds: fc.constant(['a']),
  },
  { requiredKeys: [] },
));

/** Where a huge (or wrong, or self-containing) value goes in a plan: a field of the plan, of its first step, or a key. */
const HUGE_SITES = ['vars', 'steps', 'name', 'key', 'step.id', 'step.args', 'step.needs', 'step.run', 'step.if', 'step.forEach', 'step.key'] as const;

function inject(plan: unknown, site: (typeof HUGE_SITES)[number], huge: unknown): unknown {
  const out: Record<string, unknown> = plan !== null && typeof plan === 'object' && !Array.isArray(plan) ? { ...plan } : {};
  const text = typeof huge === 'string' ? huge : MEGABYTE;
  if (!site.startsWith('step.')) {
    if (site === 'key') out[text] = 1;
    else out[site] = huge;
    return out;
  }
  const steps = Array.isArray(out.steps) ? [...(out.steps as unknown[])] : [];
  const first: Record<string, unknown> = steps[0] !== null && typeof steps[0] === 'object' && !Array.isArray(steps[0]) ? { ...steps[0] } : { id: 'a', run: ['true'] };
  if (site === 'step.key') first[text] = 1;
  else first[site.slice('step.'.length)] = site === 'step.id' ? text : huge;
  steps[0] = first;
  out.steps = steps;
  return out;
}

const planRecord = withExtraKeys(fc.record(
  {
    name: field(fc.constantFrom('pipeline', 'loop', '')),
    description: field(fc.string()),
    vars: field(fc.dictionary(fc.constantFrom('threshold', 'x', 'models'), nastyValue, { maxKeys: 3 })),
    env: field(fc.dictionary(keyText, nastyScalar, { maxKeys: 2 })),
    resources: field(fc.dictionary(fc.constantFrom('gpu', 'disk'), fc.integer({ min: -1, max: 4 }), { maxKeys: 2 })),
    params: field(fc.dictionary(fc.constantFrom('p', 'dataset', 'bad name'), fc.record({ type: field(fc.constantFrom('string', 'integer', 'list', 'bogus')), default: nastyValue, required: field(fc.boolean()) }, { requiredKeys: [] }), { maxKeys: 2 })),
    outputs: field(fc.dictionary(keyText, fc.oneof(template, nastyValue), { maxKeys: 2 })),
    requests: field(fc.array(fc.string(), { maxLength: 2 })),
    steps: field(fc.array(step, { minLength: 0, maxLength: 6 })),
    stepz: fc.constant([]),
  },
  { requiredKeys: ['steps'] },
));

/**
 * A step the schema accepts, so that what comes after it is tried: unknown commands, needs that
 * form cycles or point at the step itself, else branches, expressions that read steps they do not
 * need, templates that use themselves.
 */
const fairStep = fc
  .tuple(
    fc.record(
      {
        needs: idList,
        if: fc.constantFrom(...EXPRESSIONS),
        else: idList,
        retry: fc.integer({ min: 1, max: 5 }),
        timeout: fc.constantFrom('10m', '1s', 0),
        forEach: fc.oneof(fc.array(fc.jsonValue({ maxDepth: 2 }), { minLength: 1, maxLength: 3 }), template),
        until: fc.constantFrom(...EXPRESSIONS),
        export: fc.dictionary(fc.constantFrom('x', 'best'), template, { maxKeys: 1 }),
        env: fc.dictionary(fc.constantFrom('A', 'B'), fc.oneof(fc.string(), template), { maxKeys: 2 }),
        resources: fc.constantFrom('gpu', 'disk'),
        fallback: alternative,
        undo: alternative,
        continueOnError: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
    stepId,
    fc.oneof(
      fc.record({ command: fc.constantFrom(...COMMANDS.filter(Boolean)), args: fc.dictionary(fc.constantFrom('dataset', 'model', 'folds', 'env', 'command', 'nope'), fc.oneof(fc.jsonValue({ maxDepth: 2 }), template), { maxKeys: 3 }) }, { requiredKeys: ['command'] }),
      fc.record({ run: argv.map((a) => a.map(String)) }),
      fc.record({ uses: fc.constantFrom(...TEMPLATE_NAMES), with: fc.dictionary(fc.constantFrom('p', 'dataset', 'x'), fc.oneof(fc.jsonValue({ maxDepth: 2 }), template), { maxKeys: 2 }) }, { requiredKeys: ['uses'] }),
    ),
  )
  .map(([rest, id, kind]) => ({ id, ...kind, ...rest }));

const fairPlan = fc.record(
  {
    name: fc.constantFrom('pipeline', 'loop'),
    vars: fc.dictionary(fc.constantFrom('threshold', 'x', 'models'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    params: fc.dictionary(fc.constantFrom('p', 'dataset'), fc.record({ type: fc.constantFrom('string', 'integer', 'list'), required: fc.boolean() }, { requiredKeys: [] }), { maxKeys: 2 }),
    resources: fc.dictionary(fc.constantFrom('gpu', 'disk'), fc.integer({ min: 1, max: 4 }), { maxKeys: 2 }),
    steps: fc.array(fairStep, { minLength: 1, maxLength: 6 }),
  },
  { requiredKeys: ['steps'] },
);

/** A plan that is right, built step by step (each needs earlier ones), sometimes with one need pointing back: a cycle. */
const soundPlan = fc.integer({ min: 1, max: 8 }).chain((n) =>
  fc
    .tuple(
      fc.array(fc.tuple(fc.subarray([...Array(n).keys()]), fc.constantFrom('run', 'shell', 'loop', 'retry', 'if'), fc.boolean()), { minLength: n, maxLength: n }),
      fc.option(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { freq: 4 }),
    )
    .map(([shapes, backEdge]) => ({
      name: 'sound',
      vars: { threshold: 0.9 },
      steps: shapes.map(([earlier, kind, reads], i) => {
        const needs = earlier.filter((j) => j < i).map((j) => `s${j}`);
        if (backEdge && backEdge[0] === i && backEdge[1] >= i) needs.push(`s${backEdge[1]}`);
        const read = reads && needs[0] !== undefined ? `\${{ steps.${needs[0]}.outputs.x }}` : 'x';
        return {
          id: `s${i}`,
          needs,
          ...(kind === 'shell' ? { command: 'shell', args: { command: `echo ${read}` } } : { run: ['echo', read] }),
          ...(kind === 'loop' ? { forEach: [1, 2, 3] } : {}),
          ...(kind === 'retry' ? { retry: { attempts: 3, backoff: 'fixed', initial: '1s' }, timeout: '10m' } : {}),
          ...(kind === 'if' && needs[0] !== undefined ? { if: `steps.${needs[0]}.outputs.x > vars.threshold` } : {}),
        };
      }),
    })),
);

/** Plan data, of a size a file holds: every field right or wrong, or a plan the schema accepts with one field wrong; some contain themselves. */
export const planDocumentValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: planRecord, weight: 50 },
  { arbitrary: fairPlan, weight: 30 },
  { arbitrary: soundPlan, weight: 15 },
  { arbitrary: fc.tuple(fc.oneof(fairPlan, soundPlan), fc.constantFrom(...HUGE_SITES), nastyValue).map(([plan, site, value]) => inject(plan, site, value)), weight: 10 },
  { arbitrary: nastyValue, weight: 10 },
  { arbitrary: fc.tuple(fc.oneof(fairPlan, soundPlan, planRecord), fc.constantFrom(...HUGE_SITES)).map(([plan, site]) => selfContaining(plan, site)), weight: 4 },
);

/** Plan data as parsePlan may be handed it: the same, and rarely something huge (a megabyte, 10,000 levels, 100,000 items). */
export const planValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: planDocumentValue, weight: 40 },
  { arbitrary: fc.tuple(fc.oneof(fairPlan, soundPlan, planRecord), fc.constantFrom(...HUGE_SITES), hugeValue).map(([plan, site, huge]) => inject(plan, site, huge)), weight: 1 },
);

/** A plan that contains itself somewhere, as a YAML alias inside its own anchor makes one. */
function selfContaining(plan: unknown, site: (typeof HUGE_SITES)[number]): unknown {
  const box: Record<string, unknown> = {};
  const out = inject(plan, site === 'key' || site === 'step.key' || site === 'step.id' ? 'vars' : site, box) as Record<string, unknown>;
  box.self = out;
  return out;
}

/** A valid plan of `n` steps in a chain, each reading the one before: big plans must stay fast to check. */
export function chainPlan(n: number, extra: (i: number) => Record<string, unknown> = () => ({})): { steps: ({ id: string; needs: string[] } & Record<string, unknown>)[] } {
  return {
    steps: Array.from({ length: n }, (_, i) => ({
      id: `s${i}`,
      run: ['true', i > 0 ? `\${{ steps.s${i - 1}.outputs.x }}` : 'first'],
      needs: i > 0 ? [`s${i - 1}`] : [],
      ...extra(i),
    })),
  };
}

/** YAML-ish pieces, for text that is almost a document. */
const YAML_TOKENS = ['steps:', '\n', '\n  ', '\n    ', '- ', 'id: a', 'run: [true]', 'needs: [a]', '[', ']', '{', '}', ',', ': ', '&x ', '*x', '<<: *x', '!!str ', '!!binary ', '!foo ', '|', '>', '"', "'", '#', '---\n', '...\n', '%YAML 1.2\n', '%TAG ! tag:x,2000:\n', '? ', '\t', '\\', '\u0000', '${{ x }}', 'a'.repeat(100)];

/** A document's text: rendered data, rendered then damaged, or no document at all. */
export function documentText(value: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  const rendered = value.map((v) => render(v));
  return fc.oneof(
    { arbitrary: rendered, weight: 100 },
    { arbitrary: fc.tuple(rendered, fc.array(fc.tuple(fc.nat(), fc.nat(8), fc.constantFrom(...YAML_TOKENS)), { minLength: 1, maxLength: 4 })).map(([text, edits]) => damage(text, edits)), weight: 60 },
    { arbitrary: fc.array(fc.constantFrom(...YAML_TOKENS), { maxLength: 40 }).map((t) => t.join('')), weight: 30 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 20 },
    { arbitrary: fc.constantFrom(...DEEP_TEXTS), weight: 3 },
  );
}

/** YAML, as a person would write it; a value too deep for the yaml package to render becomes flow text. */
function render(value: unknown): string {
  try {
    // Objects met twice (a plan that contains itself) become an anchor and its aliases.
    return stringify(value, { aliasDuplicateObjects: true, lineWidth: 0 });
  } catch {
    return flowText(value);
  }
}

/** Punctuation in flowText's work list, apart from the data; a closing bracket also ends its object's visit. */
class Raw {
  constructor(
    readonly text: string,
    readonly closes?: object,
  ) {}
}

/**
 * JSON-like flow YAML for any depth, written without recursion (JSON.stringify overflows at a
 * few thousand levels); an object inside itself is written as "<cycle>".
 */
export function flowText(value: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [value];
  const open = new Set<object>();
  while (stack.length > 0) {
    const v = stack.pop();
    if (v instanceof Raw) {
      out.push(v.text);
      if (v.closes) open.delete(v.closes);
    } else if (v !== null && typeof v === 'object' && open.has(v)) out.push('"<cycle>"');
    else if (Array.isArray(v)) {
      out.push('[');
      open.add(v);
      stack.push(new Raw(']', v));
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push(v[i]);
        if (i > 0) stack.push(new Raw(', '));
      }
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      out.push('{');
      open.add(v);
      stack.push(new Raw('}', v));
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, child] = entries[i] as [string, unknown];
        stack.push(child, new Raw(`${JSON.stringify(k)}: `));
        if (i > 0) stack.push(new Raw(', '));
      }
    } else if (typeof v === 'number' && !Number.isFinite(v)) out.push(Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf');
    else out.push(JSON.stringify(v) ?? 'null');
  }
  return out.join('');
}

/** Replaces `length` characters at `at` (of the text's length) with a token. */
function damage(text: string, edits: [number, number, string][]): string {
  let out = text;
  for (const [at, length, token] of edits) {
    const i = out.length === 0 ? 0 : at % out.length;
    out = out.slice(0, i) + token + out.slice(i + length);
  }
  return out;
}

/** Documents nested 10,000 levels (flow lists and mappings, compact block lists), 2,000 (indented blocks) or infinitely (an alias in its own anchor). */
export const DEEP_TEXTS = [
  `steps: ${'['.repeat(10_000)}${']'.repeat(10_000)}`,
  `steps:\n  - id: a\n    run: [true]\n    args: { a: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)} }\n`,
  // Indented block styles grow as the square of their depth: 2,000 levels is 2 MB already.
  `vars:\n${Array.from({ length: 2_000 }, (_, i) => `${' '.repeat(i + 2)}- `).join('\n')}x\n`,
  `vars:\n${Array.from({ length: 2_000 }, (_, i) => `${' '.repeat(i + 2)}k:`).join('\n')} 1\n`,
  `steps:\n  ${'- '.repeat(10_000)}x\n`,
  `steps: &s [{ id: a, run: [true], args: { self: *s } }]`,
];

// ---------------------------------------------------------------------------------------------
// Command files

const argSpec = fc.record(
  { type: field(fc.constantFrom('string', 'path', 'integer', 'number', 'boolean', 'list', 'object', 'any', 'bogus')), description: field(fc.string()), default: nastyValue, required: field(fc.boolean()), min: field(fc.double()), max: field(fc.double()), enum: field(fc.array(fc.string(), { maxLength: 3 })) },
  { requiredKeys: [] },
);

/** Front matter: every field right or wrong, some missing. */
export const frontMatterValue: fc.Arbitrary<unknown> = fc.oneof(
  {
    arbitrary: withExtraKeys(fc.record(
      {
        name: field(fc.constantFrom('score', 'train', 'a-b', 'Bad_Name', '')),
        description: field(fc.string({ minLength: 1 })),
        capability: field(fc.constantFrom('data', 'training', 'shell', '')),
        agent: field(fc.constantFrom('worker', '')),
        aliases: field(fc.array(fc.string(), { maxLength: 3 })),
        args: field(fc.dictionary(fc.constantFrom('dataset', 'model', 'x y', ''), argSpec, { maxKeys: 3 })),
        outputs: field(fc.array(fc.string(), { maxLength: 3 })),
        run: field(fc.oneof(fc.constantFrom('builtin:train', 'builtin:Bad', 'python train.py'), argv)),
        retry: field(retry),
        errors: field(fc.array(fc.record({ class: fc.constantFrom('transient', 'bogus'), pattern: fc.constantFrom('oom', '(') }, { requiredKeys: [] }), { maxLength: 2 })),
        remedies: field(fc.array(fc.record({ name: fc.constantFrom('halve', ''), halve: fc.array(fc.string(), { maxLength: 2 }), timeoutFactor: fc.double(), suggest: fc.string() }, { requiredKeys: [] }), { maxLength: 2 })),
        severity: field(fc.constantFrom('info', 'critical', 'fatal')),
        timeout: field(fc.constantFrom('5m', '30d', 1e308, -1, 'later')),
        estimate: field(fc.constantFrom('2s', 1e308, 'soon')),
        examples: field(fc.array(fc.string(), { maxLength: 3 })),
        ouputs: fc.constant([]),
      },
      { requiredKeys: ['name', 'description', 'capability', 'run'] },
    )),
    weight: 20,
  },
  { arbitrary: fc.record({ name: field(fc.constantFrom('score')), description: field(fc.string()), capability: field(fc.constant('data')), run: field(fc.constant('builtin:x')) }, { requiredKeys: [] }), weight: 4 },
  { arbitrary: nastyValue, weight: 2 },
);

/** Front matter that is right, so that what comes after the schema is tried: durations, retries, remedies. */
const fairFrontMatter = fc.record(
  {
    name: fc.constantFrom('score', 'train', 'a-b'),
    description: fc.constantFrom('Score a model', 'x'),
    capability: fc.constantFrom('data', 'evaluation', 'shell', 'quantum'),
    run: fc.oneof(fc.constantFrom('builtin:train', 'builtin:score'), argv.map((a) => a.map(String))),
    aliases: fc.array(fc.oneof(fc.constantFrom('grade', 'rate', 'train', 'then', 'if', '${{ }}', 'roll back'), fc.string()), { maxLength: 3 }),
    examples: fc.array(fc.oneof(fc.constantFrom('score the model', 'score it then deploy'), fc.string()), { maxLength: 3 }),
    args: fc.dictionary(fc.constantFrom('dataset', 'model', 'k'), fc.record({ type: fc.constantFrom('string', 'path', 'integer', 'list'), default: fc.jsonValue({ maxDepth: 1 }), required: fc.boolean(), min: fc.double(), enum: fc.array(fc.string(), { maxLength: 2 }) }, { requiredKeys: [] }), { maxKeys: 2 }),
    retry: retry,
    timeout: fc.constantFrom('5m', 30, '0s'),
    estimate: fc.constantFrom('2s', 0.5),
    errors: fc.array(fc.record({ class: fc.constantFrom('transient', 'permanent'), exitCodes: fc.array(fc.integer(), { maxLength: 2 }), pattern: fc.constantFrom('oom', '(a+)+$', 'x{1,99999}') }, { requiredKeys: ['class', 'pattern'] }), { maxLength: 2 }),
    remedies: fc.array(fc.record({ name: fc.constantFrom('halve'), halve: fc.constant(['batch_size']), timeoutFactor: fc.double({ min: 0.1, max: 1e308 }) }, { requiredKeys: ['name', 'halve'] }), { maxLength: 1 }),
    severity: fc.constantFrom('info', 'critical'),
  },
  { requiredKeys: ['name', 'description', 'capability', 'run'] },
);
const FRONT_MATTER_FIELDS = ['name', 'description', 'capability', 'run', 'aliases', 'examples', 'args', 'retry', 'timeout', 'estimate', 'errors', 'remedies', 'severity', 'outputs', 'agent'] as const;

/** A command file's text: front matter between --- lines and a Markdown body, each part possibly broken. */
export const commandFileText: fc.Arbitrary<string> = fc
  .tuple(
    documentText(
      fc.oneof(
        { arbitrary: frontMatterValue, weight: 5 },
        { arbitrary: fairFrontMatter, weight: 3 },
        { arbitrary: fc.tuple(fairFrontMatter, fc.constantFrom(...FRONT_MATTER_FIELDS), nastyValue).map(([f, key, value]) => ({ ...f, [key]: value })), weight: 2 },
      ),
    ),
    fc.oneof(fc.constant('Scores a model.\n'), fc.string({ unit: 'binary', maxLength: 200 }), fc.constant('---\n'), fc.constant(`${'body '.repeat(200_000)}\n`)),
    fc.oneof({ arbitrary: fc.constantFrom('---\n', '---\r\n', '\ufeff---\n'), weight: 4 }, { arbitrary: fc.constantFrom('--- \n', '', '----\n', '---'), weight: 1 }),
    fc.oneof({ arbitrary: fc.constantFrom('\n---\n', '\r\n---\r\n', '\n--- \t\n', '\n---'), weight: 4 }, { arbitrary: fc.constantFrom('\n', '\n----\n', '\n...\n'), weight: 1 }),
  )
  .map(([yaml, body, open, close]) => `${open}${yaml.replace(/\n$/, '')}${close}${body}`);

// ---------------------------------------------------------------------------------------------
// Requests in plain English

/** The planner's own words, so that random requests exercise its splitting and conditions. */
export const PLANNER_WORDS = [
  'then', 'if', 'for each', 'until', 'retry', 'every', 'parallel', 'in parallel', '${{', '}}', '${{ }}', 'and', 'or', ',', ';', '.', 'otherwise', 'else', 'when', 'unless',
  'both', 'meanwhile', 'only if', 'at most', 'up to', 'times', 'accuracy', 'f1', 'is above', '>', '>=', '0.9', '90%', '3', 'three', 'twice', 'hour', 'minutes',
  'train', 'evaluate', 'deploy', 'monitor', 'validate', 'split', 'tune', 'compare', 'report', 'rollback', 'run', 'a random forest', 'knn', 'on', 'iris', 'data/x.csv',
  'https://x.io/a.csv', '"python train.py"', '`make`', 'it', 'them', 'staging', 'production', 'canary', 'drift is detected', 'folds', 'epochs', 'learning rate', ':', '-',
  'roll back', 'trian', 'evalute', '⟦p0⟧', '⟦q9⟧', '¦SEQ¦', '¦ELSE¦',
];

const CONTROL = fc.integer({ min: 0, max: 0x9f }).filter((c) => c < 0x20 || c >= 0x7f).map((c) => String.fromCharCode(c));
const EMOJI = fc.constantFrom('🚀', '👍🏽', '👨‍👩‍👧', '🇫🇷', '❤️', '🤖', '\u{1F9EA}');
const RTL = fc.constantFrom('مرحبا', 'درّب نموذجا', 'שלום', 'אמן', '\u202e', '\u202b', '\u200f', '\u061c', 'train ‮iris‬');
const LONE_SURROGATE = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** 100 KB on one line: a phrase repeated, or random text repeated. */
const hundredKb = fc.oneof(fc.constantFrom(...PLANNER_WORDS, 'a', '1', '0.', 'a/', 'train, ', 'learning rate 1, ', '1, 2 and '), fc.string({ unit: 'binary', minLength: 1, maxLength: 12 })).map((unit) => `${unit} `.repeat(Math.ceil(100_000 / (unit.length + 1))).slice(0, 100_000));

export const requestText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ unit: 'binary', maxLength: 300 }), weight: 12 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 100 }), weight: 6 },
  { arbitrary: fc.string({ unit: fc.oneof(fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }), CONTROL, EMOJI, RTL, LONE_SURROGATE), maxLength: 80 }), weight: 8 },
  { arbitrary: fc.array(fc.constantFrom(...PLANNER_WORDS), { maxLength: 40 }).map((w) => w.join(' ')), weight: 16 },
  { arbitrary: fc.tuple(fc.array(fc.oneof(fc.constantFrom(...PLANNER_WORDS), fc.string({ unit: 'binary', maxLength: 6 }), EMOJI, RTL, CONTROL), { maxLength: 60 }), fc.constantFrom(' ', '', ', ', '\n')).map(([w, sep]) => w.join(sep)), weight: 8 },
  { arbitrary: hundredKb, weight: 1 },
);

// ---------------------------------------------------------------------------------------------
// Outcomes

/** What one input did: its result, a refusal (a BatonError), or a crash (anything else, or a bad message). */
export type Outcome<T> = { kind: 'ok'; value: T } | { kind: 'refused'; message: string } | { kind: 'crash'; problem: string };

/**
 * Runs one input. A refusal must be a BatonError whose message, hint and issues are each one line
 * of readable length; anything else thrown (TypeError, RangeError: Maximum call stack...) is a crash.
 */
export function outcome<T>(run: () => T): Outcome<T> {
  try {
    return { kind: 'ok', value: run() };
  } catch (e) {
    if (!isBatonError(e)) return { kind: 'crash', problem: `${e instanceof Error ? e.name : typeof e}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` };
    const lines = [e.message, e.hint ?? '', ...(e instanceof ValidationError ? e.issues : [])];
    const bad = lines.find((l) => /[\r\n]/.test(l) || l.length > 1_001);
    if (bad !== undefined) return { kind: 'crash', problem: `${e.name} with a message that is not one line: ${JSON.stringify(bad.slice(0, 300))}` };
    if (e.message.trim() === '') return { kind: 'crash', problem: `${e.name} with an empty message` };
    return { kind: 'refused', message: e.message };
  }
}

/** A short description of an input, for a failure message. */
export function describeInput(input: unknown): string {
  const text = typeof input === 'string' ? input : flowText(input);
  return text.length > 300 ? `${JSON.stringify(text.slice(0, 300))}… (${text.length} chars)` : JSON.stringify(text);
}
