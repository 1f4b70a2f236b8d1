import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chainPlan, DEEP_TEXTS, describeInput, documentText, flowText, FUZZ_SEED, nested, outcome, planDocumentValue, planValue, type Outcome } from '../../bench/fuzzInputs.js';
import { loadPlanFile } from '../../src/cli/planFile.js';
import { renderPlan, summarizePlan } from '../../src/cli/planView.js';
import { CAPABILITIES } from '../../src/core/command.js';
import { findCycle } from '../../src/core/dag.js';
import { ValidationError } from '../../src/core/errors.js';
import { resolvePlan, type Catalog, type ResolvedPlan, type TemplateDef } from '../../src/core/planCheck.js';
import { parsePlan } from '../../src/core/planSchema.js';
import { loadCommands } from '../../src/registry/commands.js';
import { loadTemplates, parseTemplateFile } from '../../src/registry/templates.js';
import { baton } from '../helpers/cli.js';
import { agent, tempDir } from './helpers.js';

/**
 * Bad plans never crash Baton: whatever a plan file holds, parsing and checking it either gives a
 * plan or a ValidationError with a one-line message, quickly. Seeded (FUZZ_SEED), so a failure
 * that fast-check reports with its seed and path reproduces.
 */
const work = tempDir();
afterAll(work.cleanup);

/** Templates that use themselves, directly or not, or nest too deep; and one that is fine. */
const FUZZ_TEMPLATES: Record<string, string> = {
  loop: 'steps:\n  - { id: again, uses: loop }\n',
  ping: 'steps:\n  - { id: p, uses: pong }\n',
  pong: 'steps:\n  - { id: q, uses: ping, with: { x: 1 } }\n',
  ...Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`deep${i + 1}`, i < 6 ? `steps:\n  - { id: d, uses: deep${i + 2} }\n` : 'steps:\n  - { id: d, run: ["true"] }\n'])),
  fine: 'params:\n  p: { type: string, required: true }\nsteps:\n  - { id: t, run: [echo, "${{ params.p }}"] }\noutputs:\n  x: "${{ steps.t.outputs.x }}"\n',
};

const templates = new Map<string, TemplateDef>(loadTemplates(work.dir).templates);
for (const [name, text] of Object.entries(FUZZ_TEMPLATES)) templates.set(name, parseTemplateFile(text, `${name}.yaml`));

const catalog: Catalog = { commands: loadCommands(work.dir).commands, templates, agents: [agent('worker', [...CAPABILITIES], 2)], resources: { gpu: 1 } };

/** What `baton plan FILE` does with a parsed document: validate, check, summarise and render. */
function planOf(raw: unknown): ResolvedPlan {
  const resolved = resolvePlan(parsePlan(raw, 'plan.yaml', 'plan'), catalog, 'plan.yaml');
  summarizePlan(resolved, new Map());
  renderPlan(resolved, new Map());
  return resolved;
}

function expectNoCrash(input: unknown, result: Outcome<unknown>): void {
  if (result.kind === 'crash') throw new Error(`${result.problem}\ninput: ${describeInput(input)}`);
}

/** The refusal's message; fails when the input was accepted or crashed. */
function refusal(result: Outcome<unknown>): string {
  expect(result.kind, result.kind === 'crash' ? result.problem : 'accepted').toBe('refused');
  return result.kind === 'refused' ? result.message : '';
}

let fileCount = 0;
function planFile(text: string, ext = '.yaml'): string {
  const name = `p${fileCount++}${ext}`;
  writeFileSync(join(work.dir, name), text);
  return name;
}

describe('plan data, every field right or wrong', () => {
  it('parsePlan and resolvePlan give a plan or a one-line ValidationError', () => {
    fc.assert(
      fc.property(planValue, (raw) => expectNoCrash(raw, outcome(() => planOf(raw)))),
      { seed: FUZZ_SEED, numRuns: 1500 },
    );
  });

  it('templates from random documents, used by a plan, too', () => {
    fc.assert(
      fc.property(documentText(planDocumentValue), fc.constantFrom('fine', 'loop', 'x'), (text, param) => {
        const loaded = outcome(() => parseTemplateFile(text, 'fuzzed.yaml'));
        expectNoCrash(text, loaded);
        if (loaded.kind !== 'ok') return;
        const own: Catalog = { ...catalog, templates: new Map([...templates, ['fuzzed', loaded.value]]) };
        const raw = { steps: [{ id: 'u', uses: 'fuzzed', with: { [param]: 1 } }] };
        expectNoCrash(text, outcome(() => resolvePlan(parsePlan(raw, 'plan.yaml'), own, 'plan.yaml')));
      }),
      { seed: FUZZ_SEED, numRuns: 300 },
    );
  });
});

describe('plan files', () => {
  it('YAML documents, rendered, damaged or random, load or are refused in one line', () => {
    fc.assert(
      fc.property(documentText(planDocumentValue), (text) => expectNoCrash(text, outcome(() => planOf(loadPlanFile(planFile(text), work.dir).plan)))),
      { seed: FUZZ_SEED, numRuns: 600 },
    );
  });

  it('JSON documents too', () => {
    const jsonText = fc.oneof(planValue.map((v) => flowText(v).replace(/\.nan|-?\.inf/g, 'null')), fc.string({ unit: 'binary', maxLength: 100 }), fc.jsonValue().map((v) => JSON.stringify(v)));
    fc.assert(
      fc.property(jsonText, (text) => expectNoCrash(text, outcome(() => planOf(loadPlanFile(planFile(text, '.json'), work.dir).plan)))),
      { seed: FUZZ_SEED, numRuns: 300 },
    );
  });

  it('10,000 levels of lists or mappings are refused before the parser overflows its stack', () => {
    // The yaml package itself runs out of stack about a thousand levels down.
    for (const text of DEEP_TEXTS) {
      const message = refusal(outcome(() => loadPlanFile(planFile(text), work.dir)));
      expect(message).toMatch(/^p\d+\.yaml: (?:nested more than 64 levels deep at line \d+|plan\.steps\.0\.args\.self: contains itself)/);
    }
    const json = refusal(outcome(() => loadPlanFile(planFile(`{"steps": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`, '.json'), work.dir)));
    expect(json).toMatch(/^p\d+\.json: plan\.steps\.0\.0\.….0\.0\.0: nested more than 64 levels deep$/);
  });

  it('deep values handed to parsePlan directly are refused, naming where', () => {
    for (const kind of ['list', 'map'] as const) {
      const deep = nested(10_000, kind);
      expect(refusal(outcome(() => planOf({ vars: { x: deep }, steps: [{ id: 'a', run: ['true'] }] })))).toContain('plan.vars.x.');
      expect(refusal(outcome(() => planOf({ steps: [{ id: 'a', command: 'shell', args: { command: deep } }] })))).toContain('nested more than 64 levels deep');
      expect(refusal(outcome(() => planOf({ steps: deep })))).toContain('plan.steps.');
    }
    // 60 levels is plain data still.
    expect(outcome(() => planOf({ vars: { x: nested(60, 'map') }, steps: [{ id: 'a', run: ['true'] }] })).kind).toBe('ok');
  });

  it('a file that cannot be read, or is too big, is refused in one line', () => {
    expect(refusal(outcome(() => loadPlanFile('.', work.dir)))).toBe('. is not a file');
    const big = planFile(`steps: [{ id: a, run: ["${'x'.repeat(5 * 1024 * 1024)}"] }]`);
    expect(refusal(outcome(() => loadPlanFile(big, work.dir)))).toMatch(/plans are limited to 5 MB$/);
  });
});

describe('the nasty cases, one by one', () => {
  const run = (extra: Record<string, unknown>) => outcome(() => planOf({ steps: [{ id: 'a', run: ['true'], ...extra }] }));

  it('huge, negative-zero and not-a-number values', () => {
    expect(refusal(run({ timeout: 1e308 }))).toBe('plan.yaml: step "a".timeout: 1e+308 is longer than Baton can time (at most 24d)');
    expect(refusal(run({ timeout: '30d' }))).toContain('"30d" is longer than Baton can time');
    expect(refusal(run({ retry: { attempts: 3, max: '99999999999999999999d' } }))).toContain('is longer than Baton can time');
    expect(refusal(run({ timeout: Number.NaN }))).toContain('step "a".timeout');
    expect(refusal(run({ priority: 1e308 }))).toContain('step "a".priority');
    expect(refusal(run({ maxIterations: 'NaN' }))).toContain('step "a".maxIterations');
    const zero = run({ timeout: -0, priority: -0 });
    expect(zero.kind).toBe('ok');
    if (zero.kind === 'ok') expect(zero.value.steps[0]?.timeoutMs).toBe(0);
    for (const text of ['timeout: .nan', 'timeout: -.inf', 'priority: 1e400', 'timeout: "NaN"']) {
      expect(refusal(outcome(() => loadPlanFile(planFile(`steps:\n  - { id: a, run: ["true"], ${text} }\n`), work.dir)))).toMatch(/step "a"\.(timeout|priority)/);
    }
  });

  it('a megabyte in any name gives a short message, fast', () => {
    const mb = 'a'.repeat(1 << 20);
    const cases = [
      outcome(() => planOf({ steps: [{ id: mb, run: ['true'], needs: [`${mb}b`] }] })),
      outcome(() => planOf({ steps: [{ id: 'a', command: mb }] })),
      outcome(() => planOf({ steps: [{ id: 'a', run: ['true'], [mb]: 1 }] })),
      outcome(() => planOf({ steps: [{ id: 'a', run: ['true'], if: `${mb} >` }] })),
      outcome(() => planOf({ steps: [{ id: 'a', uses: mb }] })),
      outcome(() => planOf({ [mb]: 1, steps: [{ id: 'a', run: ['true'] }] })),
    ];
    for (const c of cases) expect(refusal(c).length).toBeLessThanOrEqual(1001);
  });

  it('keys with line breaks and terminal escapes are shown escaped, on one line', () => {
    const message = refusal(run({ 'ne\neds\u001b[2J': [] }));
    expect(message).toBe('plan.yaml: step "a": unknown field "ne\\neds\\u001b[2J"');
  });

  it('a step that needs itself, a cycle, and an else branch that points back', () => {
    expect(refusal(run({ needs: ['a'] }))).toBe('plan.yaml: step "a": needs itself');
    expect(refusal(outcome(() => planOf({ steps: [{ id: 'a', run: ['true'], needs: ['b'] }, { id: 'b', run: ['true'], needs: ['a'] }] })))).toContain('the steps form a cycle: a → b → a');
    expect(refusal(run({ if: 'true', else: ['a'] }))).toContain('else branch "a" must not depend on a');
  });

  it('10,000 steps in a cycle or a chain, 5,000 unknown needs: refused or checked in moments', () => {
    const cycle = chainPlan(10_000, (i) => (i === 0 ? { needs: ['s9999'] } : {}));
    expect(refusal(outcome(() => planOf(cycle)))).toMatch(/the steps form a cycle: s0 → s1 → .* → … \(9991 more\) → .* → s0$/);
    expect(findCycle(chainPlan(50_000, (i) => (i === 0 ? { needs: ['s49999'] } : {})).steps)).toHaveLength(50_001);
    expect(refusal(outcome(() => planOf(chainPlan(10_001))))).toBe('plan.yaml: steps: a plan has at most 10,000 steps; a forEach step runs one step over many items');
    expect(outcome(() => planOf(chainPlan(10_000))).kind).toBe('ok');
    const allReadFirst = chainPlan(10_000, (i) => ({ run: ['true', '${{ steps.s0.outputs.x }}'], needs: i > 0 ? [`s${i - 1}`] : [] }));
    expect(outcome(() => planOf({ steps: allReadFirst.steps.map((s, i) => (i === 0 ? { ...s, run: ['true'] } : s)) })).kind).toBe('ok');
    const unknown = { steps: Array.from({ length: 5_000 }, (_, i) => ({ id: `s${i}`, run: ['true'], needs: [`t${i}`] })) };
    expect(refusal(outcome(() => planOf(unknown)))).toBe('plan.yaml: step "s0": needs unknown step "t0" (did you mean "s0"?) (and 4999 more problems)');
    const wide = { steps: [{ id: 'a', run: ['true'], needs: Array.from({ length: 300_000 }, () => 'b') }, { id: 'b', run: ['true'] }] };
    expect(outcome(() => planOf(wide)).kind).toBe('ok');
  });

  it('templates that use themselves, directly or not, or nest too deep', () => {
    const uses = (name: string, extra: Record<string, unknown> = {}) => outcome(() => planOf({ steps: [{ id: 'u', uses: name, ...extra }] }));
    expect(refusal(uses('loop'))).toContain('template "loop" uses itself (plan → loop → loop)');
    expect(refusal(uses('ping'))).toContain('template "ping" uses itself (plan → ping → pong → ping)');
    expect(refusal(uses('deep1'))).toContain('workflows nest more than 5 deep');
    expect(refusal(uses('fine'))).toContain('template "fine" needs parameter "p"');
    expect(outcome(() => planOf({ steps: [{ id: 'u', uses: 'fine', with: { p: 'x' } }] })).kind).toBe('ok');
  });
});

describe('through the real CLI', () => {
  const NASTY: Record<string, string> = {
    'deep.yaml': DEEP_TEXTS[0] ?? '',
    'alias.yaml': DEEP_TEXTS[5] ?? '',
    'deep.json': `{"steps": ${'['.repeat(50_000)}${']'.repeat(50_000)}}`,
    'cycle.yaml': 'steps:\n  - { id: a, run: ["true"], needs: [b] }\n  - { id: b, run: ["true"], needs: [a] }\n',
    'self.yaml': 'steps:\n  - { id: a, run: ["true"], needs: [a] }\n',
    'huge.yaml': `steps:\n  - { id: a, run: ["true"], timeout: 1e308, priority: .nan, "ne\\neds": [a] }\n`,
    'tags.yaml': 'steps: !!binary aGVsbG8=\n',
    'unknowntag.yaml': 'steps:\n  - { id: a, run: [!secret "true"] }\n',
    'binary.yaml': '\u0000\u0001\u0002\u00ff\ufffe',
    'megabyte.yaml': `steps:\n  - { id: a, command: "${'c'.repeat(1 << 20)}" }\n`,
  };

  it.each(Object.keys(NASTY))('baton plan %s: exit 2, one line, no stack trace', (file) => {
    const dir = tempDir({ [file]: NASTY[file] ?? '' });
    try {
      const r = baton(dir.dir, ['plan', file]);
      expect(r.code, r.stderr).toBe(2);
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines[0]).toMatch(new RegExp(`^baton: ${file.replace('.', '\\.')}: `));
      // After the one line: the other problems, one per line, and the hint.
      for (const line of lines.slice(1)) expect(line).toMatch(/^  (?:- |hint: )/);
      expect(lines.every((l) => l.length <= 1100)).toBe(true);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stderr).not.toMatch(/internal error|YAMLWarning|RangeError|TypeError/);
      expect(r.stdout).toBe('');
    } finally {
      dir.cleanup();
    }
  });

  it('the refusals say what is wrong', () => {
    const dir = tempDir(NASTY);
    try {
      const first = (file: string) => baton(dir.dir, ['plan', file]).stderr.split('\n')[0];
      expect(first('deep.yaml')).toBe('baton: deep.yaml: nested more than 64 levels deep at line 1');
      expect(first('alias.yaml')).toBe('baton: alias.yaml: plan.steps.0.args.self: contains itself (a YAML alias inside its own anchor)');
      expect(first('tags.yaml')).toBe('baton: tags.yaml: plan.steps: binary data is not plain data; write it as text, a number, a list or a mapping');
      expect(first('unknowntag.yaml')).toBe('baton: unknowntag.yaml: not valid YAML at line 2, column 20: Unresolved tag: !secret');
    } finally {
      dir.cleanup();
    }
  });
});

describe('messages', () => {
  it('every refusal is a ValidationError (or another BatonError), never a plain Error', () => {
    const e = outcome(() => planOf({ steps: [] }));
    expect(refusal(e)).toBe('plan.yaml: steps: a plan needs at least one step');
    try {
      planOf(null);
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
    }
  });
});
