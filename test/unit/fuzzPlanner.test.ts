import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { describeInput, FUZZ_SEED, outcome, PLANNER_WORDS, requestText } from '../../bench/fuzzInputs.js';
import { loadProject } from '../../src/cli/context.js';
import { replan } from '../../src/cli/request.js';
import { plannerContext } from '../../src/planner/context.js';
import { planRequest } from '../../src/planner/planner.js';
import { tempDir } from './helpers.js';

/**
 * Whatever is typed, the planner answers with a plan or a question, never an exception, and in
 * moments: full Unicode, control characters, emoji, right-to-left text, 100 KB on one line, and its
 * own keywords in random order. The plan it gives is then checked as `baton plan` checks it, where
 * a refusal must be a one-line BatonError. Seeded (FUZZ_SEED) so failures reproduce.
 */
const project = tempDir();
afterAll(project.cleanup);
// The classifier's cache and the user's config stay out of it.
process.env.XDG_CACHE_HOME = project.dir;
process.env.XDG_CONFIG_HOME = project.dir;
const loaded = loadProject({ dir: project.dir, json: false, yes: false, debug: false });
const ctx = plannerContext(loaded.registry.commands, project.dir, loaded.templates.templates);

/** Plans one request as the CLI does; throws with the input when anything crashes or nothing comes back. */
function plan(text: string) {
  const r = outcome(() => planRequest(text, ctx));
  if (r.kind !== 'ok') throw new Error(`planRequest threw: ${r.kind === 'crash' ? r.problem : r.message}\ninput: ${describeInput(text)}`);
  if (r.value.steps.length === 0 && r.value.clarifications.length === 0) throw new Error(`neither a plan nor a question\ninput: ${describeInput(text)}`);
  const checked = outcome(() => replan(r.value, loaded, project.dir));
  if (checked.kind === 'crash') throw new Error(`checking the plan crashed: ${checked.problem}\ninput: ${describeInput(text)}`);
  return { result: r.value, checked };
}

describe('random requests', () => {
  it('10,000 of them: each a plan or a question, none an exception', { timeout: 30_000 }, () => {
    let refused = 0;
    fc.assert(
      fc.property(requestText, (text) => {
        if (plan(text).checked.kind === 'refused') refused++;
      }),
      { seed: FUZZ_SEED, numRuns: 10_000 },
    );
    // The planner's plans pass the checks a plan file gets, whatever the request.
    expect(refused).toBe(0);
  });

  it('100 KB on one line, of each of its keywords and of the patterns that once took minutes', { timeout: 30_000 }, () => {
    const units = [...PLANNER_WORDS, 'a', '1', '0.', 'a/', '-', 'train, ', 'learning rate 1, ', '1, 2 and ', 'trian ', 'orchestrate a ', 'roll ', 'and ', 'x'.repeat(50)];
    for (const unit of units) plan(`${unit} `.repeat(Math.ceil(100_000 / (unit.length + 1))).slice(0, 100_000));
  });
});

describe('the odd inputs, one by one', () => {
  it('control characters, emoji, right-to-left text and lone surrogates around a real request', () => {
    for (const text of ['train\u0000 a random forest on iris', 'train a random forest on iris 🚀👨‍👩‍👧', '\u202etrain a random forest on iris', 'درّب train a random forest on iris שלום', 'train a random forest on iris\ud800']) {
      const { result } = plan(text);
      expect(result.steps.map((s) => [s.command, s.args.dataset]), text).toEqual([['train', 'iris']]);
    }
  });

  it('nothing, only spaces, only controls or only emoji: a question', () => {
    for (const text of ['', '   ', '\u0000\u0001\u0002', '🚀🚀🚀', '\u202e\u200f']) {
      const { result } = plan(text);
      expect(result.steps).toEqual([]);
      expect(result.clarifications[0]?.question).toMatch(/What would you like to do\?$/);
    }
  });

  it('the placeholders it uses inside cannot be typed in: "⟦p0⟧" names no path', () => {
    const { result, checked } = plan('train a random forest on ⟦p0⟧ ¦SEQ¦ then evaluate it');
    expect(result.steps[0]?.args.dataset).toBeUndefined();
    expect(result.clarifications[0]).toMatchObject({ question: 'Which dataset should train use?' });
    expect(checked.kind).not.toBe('crash');
  });

  it('an argument a command does not take is left out rather than refused: "write a report on iris"', () => {
    const { result, checked } = plan('write a report on iris');
    expect(result.steps.map((s) => [s.command, s.args])).toEqual([['report', {}]]);
    expect(checked.kind).toBe('ok');
  });

  it('templates that use themselves: a keyword soup of ${{ }} stays text', () => {
    const { checked } = plan('train on iris then ${{ steps.train.outputs.model }} deploy ${{ ${{ }} }} if accuracy is above ${{ 0.9 }}');
    expect(checked.kind).not.toBe('crash');
  });
});
