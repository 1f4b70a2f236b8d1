import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ValidationError } from '../../src/core/errors.js';
import { parsePlan } from '../../src/core/planSchema.js';
import { thrown } from './helpers.js';

const EXAMPLE = `
name: pipeline
vars: { threshold: 0.9 }
steps:
  - id: prep
    run: [node, scripts/prep.js, --rows, "1000"]
  - id: train
    command: train
    args: { model: random-forest, dataset: "\${{ steps.prep.outputs.path }}" }
    needs: [prep]
    retry: { attempts: 3, backoff: exponential }
    timeout: 10m
    resources: [gpu]
  - id: deploy
    command: deploy
    args: { env: staging }
    needs: [train]
    if: steps.train.outputs.accuracy > vars.threshold
`;

const SOURCE = 'plans/pipeline.yaml';

/** Parses a YAML plan and returns the ValidationError it must raise. */
function rejection(yaml: string): ValidationError {
  const e = thrown(() => parsePlan(parseYaml(yaml), SOURCE));
  expect(e).toBeInstanceOf(ValidationError);
  expect(e.message.startsWith(`${SOURCE}: `)).toBe(true);
  return e as ValidationError;
}

/** A one-step plan with the given step body (YAML mapping lines, indented by 4). */
function oneStep(body: string): string {
  return `steps:\n  - ${body.trim().split('\n').join('\n    ')}\n`;
}

describe('parsePlan: the example plan', () => {
  const plan = parsePlan(parseYaml(EXAMPLE), SOURCE);

  it('keeps the name, vars and steps in order', () => {
    expect(plan.name).toBe('pipeline');
    expect(plan.vars).toEqual({ threshold: 0.9 });
    expect(plan.resources).toEqual({});
    expect(plan.steps.map((s) => s.id)).toEqual(['prep', 'train', 'deploy']);
  });

  it('keeps a raw step as an argv list of strings', () => {
    const prep = plan.steps[0];
    expect(prep?.run).toEqual(['node', 'scripts/prep.js', '--rows', '1000']);
    expect(prep?.command).toBeUndefined();
    expect(prep).toMatchObject({ args: {}, needs: [], resources: [], env: {}, priority: 0 });
  });

  it('turns retry and timeout into milliseconds', () => {
    const train = plan.steps[1];
    expect(train).toMatchObject({
      command: 'train',
      args: { model: 'random-forest', dataset: '${{ steps.prep.outputs.path }}' },
      needs: ['prep'],
      resources: ['gpu'],
      timeoutMs: 600_000,
      retry: { attempts: 3, backoff: 'exponential', initialMs: 1000, maxMs: 60_000 },
    });
  });

  it('keeps the condition as text', () => {
    expect(plan.steps[2]?.if).toBe('steps.train.outputs.accuracy > vars.threshold');
    expect(plan.steps[2]?.retry).toBeUndefined();
    expect(plan.steps[2]?.timeoutMs).toBeUndefined();
  });
});

describe('parsePlan: shorthands and defaults', () => {
  it('takes a number as the retry attempts with exponential backoff', () => {
    const plan = parsePlan(parseYaml(oneStep('id: a\ncommand: train\nretry: 4')), SOURCE);
    expect(plan.steps[0]?.retry).toEqual({ attempts: 4, backoff: 'exponential', initialMs: 1000, maxMs: 60_000, jitter: false, on: ['transient', 'resource'] });
  });

  it('reads fixed backoff with its own delays', () => {
    const plan = parsePlan(parseYaml(oneStep('id: a\ncommand: train\nretry: { attempts: 2, backoff: fixed, initial: 500ms, max: 2s }')), SOURCE);
    expect(plan.steps[0]?.retry).toEqual({ attempts: 2, backoff: 'fixed', initialMs: 500, maxMs: 2000, jitter: false, on: ['transient', 'resource'] });
  });

  it('takes a single string for needs and resources', () => {
    const plan = parsePlan(parseYaml(`steps:\n  - { id: a, command: x }\n  - { id: b, command: y, needs: a, resources: gpu }\n`), SOURCE);
    expect(plan.steps[1]?.needs).toEqual(['a']);
    expect(plan.steps[1]?.resources).toEqual(['gpu']);
  });

  it('names an unnamed plan after the default', () => {
    expect(parsePlan({ steps: [{ id: 'a', command: 'x' }] }, SOURCE).name).toBe('plan');
    expect(parsePlan({ steps: [{ id: 'a', command: 'x' }] }, SOURCE, 'nightly').name).toBe('nightly');
  });

  it('stringifies env values and a boolean condition', () => {
    const plan = parsePlan({ env: { ROWS: 10 }, steps: [{ id: 'a', command: 'x', env: { DEBUG: true }, if: false }] }, SOURCE);
    expect(plan.env).toEqual({ ROWS: '10' });
    expect(plan.steps[0]?.env).toEqual({ DEBUG: 'true' });
    expect(plan.steps[0]?.if).toBe('false');
  });

  it('reads the exclusive resources a plan declares', () => {
    expect(parsePlan({ resources: { db_lock: 1 }, steps: [{ id: 'a', command: 'x', resources: 'db_lock' }] }, SOURCE).resources).toEqual({ db_lock: 1 });
  });

  it('accepts a bare number of seconds as a timeout', () => {
    expect(parsePlan({ steps: [{ id: 'a', command: 'x', timeout: 90 }] }, SOURCE).steps[0]?.timeoutMs).toBe(90_000);
  });
});

describe('parsePlan: refusals name the file, the step and the field', () => {
  it('refuses a step without an id, naming its position', () => {
    const e = rejection(oneStep('command: train'));
    expect(e.message).toContain('steps[0].id');
  });

  it('refuses an id that cannot be used in expressions', () => {
    const e = rejection(oneStep('id: my-step\ncommand: train'));
    expect(e.message).toContain('step "my-step".id');
    expect(e.message).toContain('letters, digits and _');
  });

  it('refuses a step with both command and run', () => {
    const e = rejection(oneStep('id: both\ncommand: train\nrun: [echo, hi]'));
    expect(e.message).toContain('step "both"');
    expect(e.message).toContain('exactly one of "command"');
    expect(e.message).toContain('"run"');
  });

  it('refuses a step with neither command nor run', () => {
    const e = rejection(oneStep('id: idle\nneeds: []'));
    expect(e.message).toContain('step "idle": give exactly one of "command" (a registered command), "run" (an argv list) or "uses" (a workflow template)');
  });

  it('refuses run given as a shell string', () => {
    const e = rejection(oneStep('id: prep\nrun: python prep.py && rm -rf /'));
    expect(e.message).toContain('step "prep".run');
    expect(e.message).toContain('argv list');
    expect(e.message).toContain('a shell string is never run');
  });

  it('suggests the right name for a misspelt field', () => {
    const e = rejection(oneStep('id: train\ncommand: train\nnedds: [prep]'));
    expect(e.message).toContain('step "train": unknown field "nedds" (did you mean "needs"?)');
  });

  it('accepts the control-flow fields and names a misspelt one', () => {
    const plan = parsePlan(parseYaml(oneStep('id: sweep\ncommand: train\nforEach: [1, 2]\nundo: { command: rollback }\nseverity: critical\ncheckpoint: true')), 'p.yaml');
    expect(plan.steps[0]).toMatchObject({ forEach: [1, 2], undo: { command: 'rollback', args: {} }, severity: 'critical', checkpoint: true });
    const e = rejection(oneStep('id: sweep\ncommand: train\nundoo: { command: rollback }'));
    expect(e.message).toContain('step "sweep": unknown field "undoo" (did you mean "undo"?)');
  });

  it('refuses a timeout that is not a duration', () => {
    const e = rejection(oneStep('id: train\ncommand: train\ntimeout: 10 parsecs'));
    expect(e.message).toContain('step "train".timeout');
    expect(e.message).toContain('"10 parsecs" is not a duration');
  });

  it('refuses zero retry attempts, in either form', () => {
    const long = rejection(oneStep('id: train\ncommand: train\nretry: { attempts: 0 }')).message;
    expect(long).toContain('step "train".retry.attempts');
    expect(long).toContain('>=1');
    const short = rejection(oneStep('id: train\ncommand: train\nretry: 0')).message;
    expect(short).toContain('step "train".retry');
    expect(short).toContain('>=1');
  });

  it('refuses a bad retry delay, naming the nested field', () => {
    const e = rejection(oneStep('id: train\ncommand: train\nretry: { attempts: 2, initial: soon }'));
    expect(e.message).toContain('step "train".retry.initial');
  });

  it('collects every problem in every step at once', () => {
    const e = rejection(`
steps:
  - { id: my-step, command: train }
  - { id: ok, command: train, nedds: [a] }
  - { id: idle }
  - { id: slow, command: train, timeout: 10 parsecs }
`);
    expect(e.issues.length).toBe(4);
    expect(e.issues[0]).toContain('step "my-step".id');
    expect(e.issues[1]).toContain('unknown field "nedds"');
    expect(e.issues[2]).toContain('step "idle"');
    expect(e.issues[3]).toContain('step "slow".timeout');
    expect(e.message).toContain('(and 3 more problems)');
    expect(e.hint).toBeDefined();
  });

  it('counts one extra problem in the singular', () => {
    const e = rejection(`steps:\n  - { id: a }\n  - { id: b }\n`);
    expect(e.issues).toHaveLength(2);
    expect(e.message).toMatch(/\(and 1 more problem\)$/);
  });

  it('refuses a plan without steps', () => {
    expect(rejection('name: empty\nsteps: []\n').message).toContain('a plan needs at least one step');
    expect(rejection('name: empty\n').message).toContain('steps');
  });

  it('refuses an unknown top-level field with a suggestion', () => {
    const e = rejection('name: p\nvar: { a: 1 }\nsteps:\n  - { id: a, command: x }\n');
    expect(e.message).toContain('unknown field "var" (did you mean "vars"?)');
  });

  it('refuses a plan resource with no holders', () => {
    expect(rejection('resources: { gpu: 0 }\nsteps:\n  - { id: a, command: x }\n').message).toContain('resources.gpu');
  });

  it('refuses something that is not a mapping at all', () => {
    expect(rejection('- just\n- a list\n').message).toContain(SOURCE);
  });
});
