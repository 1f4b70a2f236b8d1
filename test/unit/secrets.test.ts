import { describe, expect, it } from 'vitest';
import { Masker, planSecrets, secretProblems, stepSecrets } from '../../src/core/secrets.js';
import { parsePlan } from '../../src/core/planSchema.js';

const plan = (yaml: object) => parsePlan(yaml, 'p.yaml');

describe('Masker', () => {
  it('masks every occurrence literally, the longest secret first', () => {
    const m = new Masker(['a.b*', 'a.b*c$(x)', '']);
    expect(m.text('x a.b*c$(x) y a.b* z aXb')).toBe('x *** y *** z aXb');
    expect(m.deep({ 'key a.b*': ['a.b*', 3, { n: 'pre a.b*c$(x)' }], ok: true })).toEqual({ 'key ***': ['***', 3, { n: 'pre ***' }], ok: true });
  });

  it('with no secrets, hands values back untouched', () => {
    const m = new Masker([]);
    const value = { a: ['b'] };
    expect(m.active).toBe(false);
    expect(m.deep(value)).toBe(value);
  });
});

describe('which secrets a plan reads', () => {
  it('finds them in args, run, env, conditions and fallbacks, and in the plan env', () => {
    const p = plan({
      env: { A: '${{ secrets.PLAN_WIDE }}' },
      steps: [
        { id: 'one', run: ['curl', '-H', 'Authorization: ${{ secrets.TOKEN }}'], if: "secrets.FLAG == 'on'" },
        { id: 'two', command: 'train', args: { dataset: 'iris', name: '${{ secrets.NAME_X }}' }, env: { K: '${{ secrets.TOKEN }}' } },
      ],
    });
    expect(stepSecrets(p.steps[0]!)).toEqual(['FLAG', 'TOKEN']);
    expect(planSecrets(p)).toEqual(['PLAN_WIDE', 'FLAG', 'TOKEN', 'NAME_X']);
  });

  it('refuses all secrets at once, and secrets where their value is recorded', () => {
    const p = plan({
      steps: [
        { id: 'a', run: ['echo', '${{ secrets }}'] },
        { id: 'b', run: ['echo', '${{ secrets["X"] }}'] },
        { id: 'c', uses: 'x', with: { token: '${{ secrets.T }}' } },
        { id: 'd', run: ['echo'], export: { t: '${{ secrets.T }}' } },
      ],
    });
    expect(secretProblems(p.steps[0]!)).toEqual(['step "a": "secrets" reads all secrets; name one, as secrets.NAME']);
    expect(secretProblems(p.steps[1]!)[0]).toContain('reads all secrets');
    expect(secretProblems(p.steps[2]!)[0]).toContain('with cannot read secrets');
    expect(secretProblems(p.steps[3]!)[0]).toContain('export cannot read secrets');
  });
});
