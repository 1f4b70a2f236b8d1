import { describe, expect, it } from 'vitest';
import type { CommandDef } from '../../src/core/command.js';
import { ValidationError } from '../../src/core/errors.js';
import type { Plan, PlanStep, RetryPolicy } from '../../src/core/plan.js';
import { NO_RETRY, findCommand, resolvePlan, type Catalog, type ResolvedPlan } from '../../src/core/planCheck.js';
import { agent, arg, commandDef, step, thrown } from './helpers.js';

const TRAIN_RETRY: RetryPolicy = { attempts: 2, backoff: 'exponential', initialMs: 1000, maxMs: 60_000, jitter: false, on: ['transient', 'resource'] };

const commands: CommandDef[] = [
  commandDef({ name: 'ingest', capability: 'data', args: { source: arg('path', { required: true }) }, outputs: ['path', 'rows'] }),
  commandDef({
    name: 'train',
    capability: 'training',
    aliases: ['fit', 'retrain'],
    args: {
      dataset: arg('path', { required: true }),
      model: arg('string', { default: 'random-forest', enum: ['random-forest', 'decision-tree'] }),
      folds: arg('integer', { default: 5, min: 2 }),
      seed: arg('integer', { default: 42 }),
    },
    outputs: ['model', 'accuracy'],
    retry: TRAIN_RETRY,
    timeoutMs: 1_800_000,
  }),
  commandDef({ name: 'deploy', capability: 'deployment', args: { env: arg('string', { default: 'staging' }) } }),
];

const catalog: Catalog = {
  commands: new Map(commands.map((c) => [c.name, c])),
  agents: [agent('data', ['data'], 2), agent('trainer', ['training'], 2), agent('deployer', ['deployment']), agent('shell', ['shell'], 3)],
  resources: { gpu: 1 },
};

const SOURCE = 'plans/p.yaml';

function plan(...steps: PlanStep[]): Plan {
  return { name: 'p', vars: { threshold: 0.9 }, env: {}, resources: {}, params: {}, outputs: {}, steps };
}

function resolve(...steps: PlanStep[]): ResolvedPlan {
  return resolvePlan(plan(...steps), catalog, SOURCE);
}

/** The problems resolvePlan reports for these steps. */
function problems(...steps: PlanStep[]): string[] {
  const e = thrown(() => resolve(...steps));
  expect(e).toBeInstanceOf(ValidationError);
  expect(e.message.startsWith(`${SOURCE}: `)).toBe(true);
  return (e as ValidationError).issues;
}

const ingest = step('ingest', { command: 'ingest', args: { source: 'data/iris.csv' } });
const train = (extra: Partial<PlanStep> = {}): PlanStep =>
  step('train', { command: 'train', args: { dataset: '${{ steps.ingest.outputs.path }}' }, needs: ['ingest'], ...extra });

describe('resolvePlan: a good plan', () => {
  it('resolves commands, capabilities and estimate keys', () => {
    const resolved = resolve(ingest, train(), step('report', { run: ['./scripts/report.sh', '--html'], needs: ['train'] }));
    expect(resolved.steps.map((s) => [s.id, s.command, s.capability, s.estimateKey])).toEqual([
      ['ingest', 'ingest', 'data', 'ingest'],
      ['train', 'train', 'training', 'train'],
      ['report', undefined, 'shell', 'run:report.sh'],
    ]);
    expect(resolved.steps[1]?.def?.name).toBe('train');
    expect(resolved.name).toBe('p');
    expect(resolved.vars).toEqual({ threshold: 0.9 });
  });

  it('resolves an alias to its command', () => {
    const resolved = resolve(ingest, train({ command: 'fit' }));
    expect(resolved.steps[1]?.command).toBe('train');
    expect(resolved.steps[1]?.capability).toBe('training');
  });

  it('fills in argument defaults without overriding given values', () => {
    const resolved = resolve(ingest, train({ args: { dataset: 'd.csv', folds: 10 } }));
    expect(resolved.steps[1]?.args).toEqual({ dataset: 'd.csv', folds: 10, model: 'random-forest', seed: 42 });
  });

  it('takes retry and timeout from the step, then the command, then one attempt', () => {
    const own: RetryPolicy = { attempts: 5, backoff: 'fixed', initialMs: 10, maxMs: 10, jitter: false, on: ['transient', 'resource'] };
    const resolved = resolve(ingest, train({ retry: own, timeoutMs: 1000 }), step('deploy', { command: 'deploy', needs: ['train'] }));
    expect(resolved.steps[1]?.retry).toEqual(own);
    expect(resolved.steps[1]?.timeoutMs).toBe(1000);
    expect(resolve(ingest, train()).steps[1]?.retry).toEqual(TRAIN_RETRY);
    expect(resolve(ingest, train()).steps[1]?.timeoutMs).toBe(1_800_000);
    expect(resolved.steps[2]?.retry).toEqual(NO_RETRY);
    expect(resolved.steps[2]?.retry.attempts).toBe(1);
    expect(resolved.steps[2]?.timeoutMs).toBeUndefined();
  });

  it('gives a raw step one attempt', () => {
    expect(resolve(step('x', { run: ['true'] })).steps[0]?.retry.attempts).toBe(1);
  });

  it('skips the literal check for a templated argument', () => {
    expect(() => resolve(ingest, train({ args: { dataset: 'd.csv', folds: '${{ steps.ingest.outputs.rows }}' } }))).not.toThrow();
  });

  it('accepts an expression that reads an indirect ancestor', () => {
    const deploy = step('deploy', { command: 'deploy', needs: ['train'], if: 'steps.ingest.outputs.rows > 10 && steps.train.outputs.accuracy > vars.threshold' });
    expect(() => resolve(ingest, train(), deploy)).not.toThrow();
  });

  it('accepts a declared resource and an agent with the capability', () => {
    expect(() => resolve(ingest, train({ resources: ['gpu'], agent: 'trainer' }))).not.toThrow();
  });
});

describe('resolvePlan: commands and arguments', () => {
  it('suggests the command a typo was meant to be', () => {
    const [p] = problems(step('t', { command: 'trian', args: { dataset: 'd' } }));
    expect(p).toBe('step "t": unknown command "trian" (did you mean "train"?); `baton commands` lists them');
  });

  it('points to the command list when nothing is close', () => {
    const [p] = problems(step('t', { command: 'quantum' }));
    expect(p).toBe('step "t": unknown command "quantum"; `baton commands` lists them');
  });

  it('suggests the argument a typo was meant to be', () => {
    const found = problems(ingest, train({ args: { dataset: 'd', fodls: 3 } }));
    expect(found).toEqual(['step "train": command "train" has no argument "fodls" (did you mean "folds"?)']);
  });

  it('lists the arguments a command takes when nothing is close', () => {
    const found = problems(step('d', { command: 'deploy', args: { region: 'eu' } }));
    expect(found).toEqual(['step "d": command "deploy" has no argument "region" (it takes: env)']);
  });

  it('reports a missing required argument', () => {
    expect(problems(step('t', { command: 'train' }))).toEqual(['step "t": command "train" needs argument "dataset"']);
  });

  it('refuses a literal argument of the wrong type', () => {
    expect(problems(ingest, train({ args: { dataset: 'd', folds: 'abc' } }))).toEqual(['step "train": argument "folds" must be a integer, got "abc"']);
  });

  it('checks bounds and choices of literal arguments', () => {
    const found = problems(ingest, train({ args: { dataset: 'd', folds: 1, model: 'svm' } }));
    expect(found).toContain('step "train": argument "folds" must be at least 2, got 1');
    expect(found).toContain('step "train": argument "model" must be one of random-forest, decision-tree, got "svm"');
  });

  it('refuses args on a raw process', () => {
    expect(problems(step('x', { run: ['echo'], args: { a: 1 } }))).toEqual([
      'step "x": "args" only applies to a command; pass values to a raw process inside "run", or to a template with "with"',
    ]);
  });
});

describe('resolvePlan: needs and cycles', () => {
  it('reports an unknown need with a suggestion', () => {
    expect(problems(ingest, train({ needs: ['ingset'], args: { dataset: 'd' } }))).toEqual([
      'step "train": needs unknown step "ingset" (did you mean "ingest"?)',
    ]);
  });

  it('reports a cycle as a path', () => {
    const found = problems(step('a', { run: ['x'], needs: ['b'] }), step('b', { run: ['y'], needs: ['a'] }));
    expect(found).toContain('the steps form a cycle: a → b → a');
  });

  it('reports a step that needs itself', () => {
    expect(problems(step('a', { run: ['x'], needs: ['a'] }))).toContain('step "a": needs itself');
  });

  it('reports a duplicate id', () => {
    expect(problems(step('a', { run: ['x'] }), step('a', { run: ['y'] }))).toContain('step "a": the id is used twice');
  });
});

describe('resolvePlan: expressions', () => {
  it('asks to add a step to needs when an expression reads a step that is not upstream', () => {
    const deploy = step('deploy', { command: 'deploy', needs: ['ingest'], if: 'steps.train.outputs.accuracy > 0.9' });
    expect(problems(ingest, train(), deploy)).toEqual([
      'step "deploy": "steps.train.outputs.accuracy > 0.9" reads step "train" but does not depend on it; add train to needs',
    ]);
  });

  it('checks templates in args, run and env too', () => {
    const found = problems(
      ingest,
      train({ needs: [], args: { dataset: '${{ steps.ingest.outputs.path }}' } }),
      step('r', { run: ['echo', '${{ steps.ingest.outputs.rows }}'] }),
      step('e', { run: ['env'], env: { P: '${{ steps.ingest.outputs.path }}' } }),
    );
    expect(found).toHaveLength(3);
    for (const [i, id] of ['train', 'r', 'e'].entries()) expect(found[i]).toMatch(new RegExp(`^step "${id}": .* add ingest to needs$`));
  });

  it('reports an expression that reads an unknown step, with a suggestion', () => {
    const deploy = step('deploy', { command: 'deploy', needs: ['train'], if: 'steps.trian.outputs.accuracy > 0.9' });
    expect(problems(ingest, train(), deploy)).toEqual([
      'step "deploy": "steps.trian.outputs.accuracy > 0.9" reads unknown step "trian" (did you mean "train"?)',
    ]);
  });

  it('reports bad CEL syntax in a condition', () => {
    const deploy = step('deploy', { command: 'deploy', needs: ['train'], if: 'steps.train.outputs.accuracy >> 0.9' });
    const [p] = problems(ingest, train(), deploy);
    expect(p).toMatch(/^step "deploy": bad expression "steps\.train\.outputs\.accuracy >> 0\.9"/);
  });
});

describe('resolvePlan: agents and resources', () => {
  it('reports an unknown resource with where to declare it', () => {
    const [p] = problems(ingest, train({ resources: ['gpus'] }));
    expect(p).toBe('step "train": unknown resource "gpus" (did you mean "gpu"?); declare it under "resources" in .baton/config.yaml');
  });

  it('accepts a resource the plan itself declares', () => {
    const withLock: Plan = { ...plan(ingest, train({ resources: ['db_lock'] })), resources: { db_lock: 1 } };
    expect(resolvePlan(withLock, catalog, SOURCE).steps[1]?.resources).toEqual(['db_lock']);
  });

  it('reports an agent without the capability the step needs', () => {
    expect(problems(ingest, train({ agent: 'data' }))).toEqual(['step "train": agent "data" lacks the "training" capability this step needs']);
  });

  it('reports an unknown agent with a suggestion', () => {
    expect(problems(ingest, train({ agent: 'trainr' }))).toEqual(['step "train": unknown agent "trainr" (did you mean "trainer"?)']);
  });

  it('reports a capability no agent has', () => {
    const noDeployer: Catalog = { ...catalog, agents: catalog.agents.filter((a) => a.name !== 'deployer') };
    const e = thrown(() => resolvePlan(plan(step('d', { command: 'deploy' })), noDeployer, SOURCE)) as ValidationError;
    expect(e.issues).toEqual(['step "d": no agent has the "deployment" capability this step needs; add one under "agents" in .baton/config.yaml']);
  });
});

describe('resolvePlan: reporting', () => {
  it('reports every problem at once', () => {
    const e = thrown(() => resolve(step('t', { command: 'trian' }), step('x', { run: ['y'], needs: ['nope'], resources: ['tpu'] }))) as ValidationError;
    expect(e.issues.length).toBe(3);
    expect(e.message).toContain('(and 2 more problems)');
  });
});

describe('findCommand', () => {
  it('finds by name or alias, and nothing for an unknown name', () => {
    expect(findCommand(catalog.commands, 'train')?.name).toBe('train');
    expect(findCommand(catalog.commands, 'retrain')?.name).toBe('train');
    expect(findCommand(catalog.commands, 'nope')).toBeUndefined();
  });
});
