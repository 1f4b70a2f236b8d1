import { describe, expect, it } from 'vitest';
import { ExpressionError } from '../../src/core/errors.js';
import {
  evaluate,
  evaluateCondition,
  expressionsIn,
  referencedSteps,
  stringify,
  substitute,
  substituteDeep,
  templateExpressions,
} from '../../src/core/expressions.js';
import { thrown } from './helpers.js';

// Outputs arrive from step output files as JSON: numbers are JS numbers (CEL doubles).
const ctx = {
  steps: {
    prep: { outputs: { path: 'data/clean.csv', rows: 1000, note: 'ok; rm -rf /' } },
    train: { outputs: { accuracy: 0.93, f1: 0.9, model: 'models/rf.json', classes: ['a', 'b'] } },
    empty: { outputs: {} },
  },
  vars: { threshold: 0.9, env: 'staging', folds: 5 },
};

describe('evaluateCondition', () => {
  it('compares a step output with a literal', () => {
    expect(evaluateCondition('steps.train.outputs.accuracy > 0.9', ctx)).toBe(true);
    expect(evaluateCondition('steps.train.outputs.accuracy > 0.95', ctx)).toBe(false);
  });

  it('compares a step output with a plan variable', () => {
    expect(evaluateCondition('steps.train.outputs.accuracy > vars.threshold', ctx)).toBe(true);
    expect(evaluateCondition('vars.env == "staging" && steps.train.outputs.f1 >= 0.9', ctx)).toBe(true);
  });

  it('compares a JSON number output with an integer literal', () => {
    expect(evaluateCondition('steps.prep.outputs.rows >= 1000', ctx)).toBe(true);
    expect(evaluateCondition('steps.prep.outputs.rows < 10', ctx)).toBe(false);
  });

  it('refuses an expression that is not true or false, quoting it', () => {
    const e = thrown(() => evaluateCondition('steps.prep.outputs.rows', ctx));
    expect(e).toBeInstanceOf(ExpressionError);
    expect(e.message).toContain('"steps.prep.outputs.rows"');
    expect(e.message).toContain('1000');
    expect(e.message).toContain('not true or false');
  });
});

describe('evaluate', () => {
  it('mixes int literals with double outputs in arithmetic, as a user expects', () => {
    expect(evaluate('steps.prep.outputs.rows + 1', ctx)).toBe(1001);
    expect(evaluate('1 + steps.prep.outputs.rows', ctx)).toBe(1001);
    expect(evaluate('steps.prep.outputs.rows * 2', ctx)).toBe(2000);
    expect(evaluate('steps.prep.outputs.rows - 1', ctx)).toBe(999);
    expect(evaluate('steps.prep.outputs.rows / 4', ctx)).toBe(250);
  });

  it('returns CEL ints as plain numbers, not bigints', () => {
    const value = evaluate('vars.folds', { vars: { folds: 5n } });
    expect(value).toBe(5);
    expect(evaluate('2 + 3', {})).toBe(5);
    expect(evaluate('[1, 2]', {})).toEqual([1, 2]);
  });

  it('reads strings and lists from outputs', () => {
    expect(evaluate('steps.train.outputs.model', ctx)).toBe('models/rf.json');
    expect(evaluate('size(steps.train.outputs.classes)', ctx)).toBe(2);
  });

  it('rejects bad syntax with an ExpressionError that quotes the expression and hints at CEL', () => {
    const e = thrown(() => evaluate('steps.train.outputs.accuracy >', ctx));
    expect(e).toBeInstanceOf(ExpressionError);
    expect(e.message).toMatch(/^bad expression "steps\.train\.outputs\.accuracy >"/);
    expect((e as ExpressionError).hint).toContain('CEL');
    expect(e.message).not.toContain('\n');
  });

  it('names the step and lists its outputs when an output is missing', () => {
    const e = thrown(() => evaluate('steps.train.outputs.acuracy > 0.9', ctx));
    expect(e).toBeInstanceOf(ExpressionError);
    expect(e.message).toContain('cannot evaluate "steps.train.outputs.acuracy > 0.9"');
    expect(e.message).toContain('step train has no output "acuracy"');
    expect(e.message).toContain('accuracy, f1, model, classes');
  });

  it('says "none" when the step produced no outputs', () => {
    const e = thrown(() => evaluate('steps.empty.outputs.path', ctx));
    expect(e.message).toContain('step empty has no output "path" (its outputs: none)');
  });

  it('names the step whose output is missing when the expression reads several steps', () => {
    // The missing output belongs to prep, not to train, which comes first in the text.
    const e = thrown(() => evaluate('steps.train.outputs.accuracy > steps.prep.outputs.missing', ctx));
    expect(e.message).toContain('step prep has no output "missing"');
    expect(e.message).not.toContain('step train has no output');
  });

  it('returns map literals with plain numbers, so they can be stringified and stored', () => {
    expect(evaluate('{"max_depth": 4}', {})).toEqual({ max_depth: 4 });
    expect(substitute('params=${{ {"max_depth": 4} }}', {})).toBe('params={"max_depth":4}');
  });

  it('never runs user text as JavaScript', () => {
    expect(() => evaluate('process.exit(1)', ctx)).toThrow(ExpressionError);
    expect(() => evaluate('require("fs")', ctx)).toThrow(ExpressionError);
  });
});

describe('substitute', () => {
  it('keeps the type of a value when the string is exactly one template', () => {
    expect(substitute('${{ steps.prep.outputs.rows }}', ctx)).toBe(1000);
    expect(substitute('${{steps.train.outputs.accuracy > 0.9}}', ctx)).toBe(true);
    expect(substitute('${{ steps.train.outputs.classes }}', ctx)).toEqual(['a', 'b']);
  });

  it('turns values into text when the template is part of a longer string', () => {
    expect(substitute('rows=${{ steps.prep.outputs.rows }}', ctx)).toBe('rows=1000');
    expect(substitute('${{ steps.prep.outputs.path }} (${{ steps.train.outputs.accuracy }})', ctx)).toBe('data/clean.csv (0.93)');
    expect(substitute('classes: ${{ steps.train.outputs.classes }}', ctx)).toBe('classes: ["a","b"]');
  });

  it('treats two adjacent templates as text, not as one expression', () => {
    expect(substitute('${{ vars.folds }}${{ vars.folds }}', ctx)).toBe('55');
  });

  it('keeps a value with shell syntax as one string', () => {
    expect(substitute('${{ steps.prep.outputs.note }}', ctx)).toBe('ok; rm -rf /');
    expect(substitute('--note=${{ steps.prep.outputs.note }}', ctx)).toBe('--note=ok; rm -rf /');
  });

  it('leaves text without templates alone', () => {
    expect(substitute('plain $HOME text', ctx)).toBe('plain $HOME text');
  });

  it('propagates errors from the expression', () => {
    expect(() => substitute('x=${{ steps.train.outputs.nope }}', ctx)).toThrow(/step train has no output "nope"/);
  });
});

describe('substituteDeep', () => {
  it('substitutes through nested args and keeps non-strings', () => {
    const args = {
      dataset: '${{ steps.prep.outputs.path }}',
      folds: 5,
      params: { max_depth: '${{ vars.folds }}', tags: ['run-${{ vars.env }}', true, null] },
      cmd: ['echo', '${{ steps.prep.outputs.note }}'],
    };
    expect(substituteDeep(args, ctx)).toEqual({
      dataset: 'data/clean.csv',
      folds: 5,
      params: { max_depth: 5, tags: ['run-staging', true, null] },
      cmd: ['echo', 'ok; rm -rf /'],
    });
  });

  it('does not mutate its input', () => {
    const args = { dataset: '${{ steps.prep.outputs.path }}' };
    substituteDeep(args, ctx);
    expect(args.dataset).toBe('${{ steps.prep.outputs.path }}');
  });
});

describe('templateExpressions and expressionsIn', () => {
  it('lists the trimmed expressions in a string', () => {
    expect(templateExpressions('a ${{ x }} b ${{y}}')).toEqual(['x', 'y']);
    expect(templateExpressions('no templates')).toEqual([]);
  });

  it('finds expressions anywhere in nested values', () => {
    expect(expressionsIn({ a: '${{ steps.a.outputs.x }}', b: [1, '${{ vars.y }}'], c: { d: 'z' } })).toEqual(['steps.a.outputs.x', 'vars.y']);
  });
});

describe('referencedSteps', () => {
  it('finds steps read through dots and brackets, once each', () => {
    expect(referencedSteps('steps.train.outputs.accuracy > 0.9 && steps.train.outputs.f1 > 0.8')).toEqual(['train']);
    expect(referencedSteps('steps["prep"].outputs.rows + steps.eval.outputs.n')).toEqual(['prep', 'eval']);
    expect(referencedSteps("steps['x'].outputs.y")).toEqual(['x']);
  });

  it('does not count vars or names that merely end in "steps"', () => {
    expect(referencedSteps('vars.threshold > 1')).toEqual([]);
    expect(referencedSteps('mysteps.a.outputs.b')).toEqual([]);
  });
});

describe('stringify', () => {
  it('renders each kind of value as an argv-friendly string', () => {
    expect(stringify('a b')).toBe('a b');
    expect(stringify(0.5)).toBe('0.5');
    expect(stringify(false)).toBe('false');
    expect(stringify(null)).toBe('');
    expect(stringify(undefined)).toBe('');
    expect(stringify({ a: 1 })).toBe('{"a":1}');
  });
});
