import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandFileText, describeInput, FUZZ_SEED, outcome } from '../../bench/fuzzInputs.js';
import { plannerContext } from '../../src/planner/context.js';
import { planRequest } from '../../src/planner/planner.js';
import { parseCommandFile } from '../../src/registry/commandFile.js';
import { loadCommands } from '../../src/registry/commands.js';
import { tempDir } from './helpers.js';

/**
 * Bad command files never crash Baton: a file in `.baton/commands/` either parses or is refused
 * with one line that names it, and the others still load. Seeded (FUZZ_SEED) so failures reproduce.
 */
const SOURCE = '.baton/commands/fuzzed.md';
const VALID = '---\nname: score\ndescription: Score a model\ncapability: evaluation\nargs:\n  model: { type: path, required: true }\nrun: [python, score.py]\nexamples:\n  - score the model\n---\nScores a model.\n';

const cache = tempDir();
// The planner caches its classifier per set of commands; random commands would fill ~/.cache.
process.env.XDG_CACHE_HOME = cache.dir;
afterAll(cache.cleanup);

function refusal(text: string): string {
  const r = outcome(() => parseCommandFile(text, SOURCE));
  expect(r.kind, r.kind === 'crash' ? r.problem : 'accepted').toBe('refused');
  return r.kind === 'refused' ? r.message : '';
}

describe('parseCommandFile', () => {
  it('gives a command or a one-line ValidationError naming the file, for any text', () => {
    fc.assert(
      fc.property(commandFileText, (text) => {
        const r = outcome(() => parseCommandFile(text, SOURCE));
        if (r.kind === 'crash') throw new Error(`${r.problem}\ninput: ${describeInput(text)}`);
        if (r.kind === 'refused') expect(r.message.startsWith(`${SOURCE}: `), r.message).toBe(true);
      }),
      { seed: FUZZ_SEED, numRuns: 1000 },
    );
  });

  it('broken front matter: no closing line, not YAML, not a mapping', () => {
    expect(refusal('---\nname: x\n')).toBe(`${SOURCE}: no YAML front matter (the file must start with a --- block)`);
    expect(refusal('---\nname: [x\n---\n')).toMatch(/^\.baton\/commands\/fuzzed\.md: the front matter is not valid YAML at line 2, column 9: Flow sequence in block collection/);
    expect(refusal('---\n- a\n- b\n---\n')).toBe(`${SOURCE}: front matter: Invalid input: expected object, received array`);
    expect(refusal('---\n\n---\n')).toBe(`${SOURCE}: front matter: Invalid input: expected object, received null`);
    expect(refusal('---\nname: x\nname: y\n---\n')).toBe(`${SOURCE}: the front matter is not valid YAML at line 3, column 1: Map keys must be unique`);
  });

  it('missing fields and wrong types are named', () => {
    expect(refusal('---\nname: x\n---\n')).toContain('description: Invalid input');
    expect(refusal(VALID.replace('capability: evaluation', 'capability: [evaluation]'))).toBe(`${SOURCE}: capability: Invalid input: expected string, received array`);
    expect(refusal(VALID.replace('run: [python, score.py]', 'run: {python: score.py}'))).toContain(`${SOURCE}: run: `);
    expect(refusal(VALID.replace('required: true', 'required: "yes"'))).toContain('args.model.required');
    expect(refusal(`${VALID.replace('---\nScores', 'timeout: 1e308\n---\nScores')}`)).toBe(`${SOURCE}: timeout: 1e+308 is longer than Baton can time (at most 24d)`);
    expect(refusal(`${VALID.replace('---\nScores', 'estimate: .nan\n---\nScores')}`)).toContain('estimate');
  });

  it('10,000 levels deep, an alias inside itself, binary and timestamps are refused', () => {
    expect(refusal(`---\nname: x\nargs: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n---\n`)).toBe(`${SOURCE}: the front matter is nested more than 64 levels deep at line 3`);
    expect(refusal(`---\nname: x\nargs: &a { m: { type: any, default: [*a] } }\n---\n`)).toBe(`${SOURCE}: front matter.args.m.default.0: contains itself (a YAML alias inside its own anchor)`);
    expect(refusal('---\nname: x\nexamples: !!binary aGVsbG8=\n---\n')).toBe(`${SOURCE}: front matter.examples: binary data is not plain data; write it as text, a number, a list or a mapping`);
    expect(refusal('---\nname: x\ndescription: !!timestamp 2001-12-14\n---\n')).toContain('front matter.description: a timestamp is not plain data');
  });

  it('huge files parse or are refused in moments', () => {
    const mb = 'x'.repeat(1 << 20);
    expect(parseCommandFile(VALID.replace('Score a model', mb), SOURCE).description).toHaveLength(1 << 20);
    expect(parseCommandFile(`${VALID}${'body\n'.repeat(1_000_000)}`, SOURCE).help.length).toBeGreaterThan(4_000_000);
    const aliases = `aliases: [${Array.from({ length: 100_000 }, (_, i) => `a${i}`).join(', ')}]\n`;
    expect(parseCommandFile(VALID.replace('args:', `${aliases}args:`), SOURCE).aliases).toHaveLength(100_000);
    const keys = `args:\n${Array.from({ length: 30_000 }, (_, i) => `  k${i}: { type: any }`).join('\n')}\n`;
    expect(Object.keys(parseCommandFile(VALID.replace(/args:\n {2}model: .*\n/, keys), SOURCE).args)).toHaveLength(30_000);
    expect(refusal(VALID.replace('name: score', `name: ${mb}Bad`)).length).toBeLessThanOrEqual(1001);
  });
});

describe('a project with malformed command files', () => {
  const dirs: (() => void)[] = [];
  afterAll(() => dirs.forEach((cleanup) => cleanup()));

  it('names each broken file by its path, loads the others, and the planner still works', () => {
    fc.assert(
      fc.property(fc.array(commandFileText, { minLength: 1, maxLength: 4 }), (texts) => {
        const t = tempDir();
        dirs.push(t.cleanup);
        mkdirSync(join(t.dir, '.baton/commands'), { recursive: true });
        writeFileSync(join(t.dir, '.baton/commands/a-valid.md'), VALID);
        texts.forEach((text, i) => writeFileSync(join(t.dir, `.baton/commands/fuzz${i}.md`), text));
        const r = outcome(() => loadCommands(t.dir));
        if (r.kind !== 'ok') throw new Error(`loadCommands: ${r.kind === 'crash' ? r.problem : r.message}\ninput: ${describeInput(texts)}`);
        const { commands, warnings } = r.value;
        // Each file loads, or is one warning that starts with its path; the valid one and the built-ins load.
        const broken = texts.map((_, i) => `.baton/commands/fuzz${i}.md`).filter((path) => ![...commands.values()].some((c) => c.source === path));
        expect(warnings.map((w) => w.slice(0, w.indexOf(': ')))).toEqual(broken);
        for (const w of warnings) expect(w).not.toMatch(/[\r\n]/);
        expect(commands.has('deploy')).toBe(true);
        const plan = outcome(() => planRequest('score models/m.pkl then deploy it to staging', plannerContext(commands, t.dir)));
        if (plan.kind === 'crash') throw new Error(`${plan.problem}\ninput: ${describeInput(texts)}`);
      }),
      { seed: FUZZ_SEED, numRuns: 60 },
    );
  });

  it('a command file that teaches the planner a 100,000-digit example does not stall it', { timeout: 10_000 }, () => {
    const t = tempDir({
      '.baton/commands/odd.md': `---\nname: odd\ndescription: d\ncapability: data\naliases: ["${'7'.repeat(100_000)}"]\nrun: builtin:report\nexamples:\n  - "${'1'.repeat(100_000)}"\n  - "${'y'.repeat(50_000)}"\n---\n`,
    });
    dirs.push(t.cleanup);
    const { commands, warnings } = loadCommands(t.dir);
    expect(warnings).toEqual([]);
    const r = planRequest('train a random forest on iris', plannerContext(commands, t.dir));
    expect(r.steps.map((s) => s.command)).toEqual(['train']);
  });
});
