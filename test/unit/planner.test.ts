import fc from 'fast-check';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCondition, splitClauses } from '../../src/planner/clauses.js';
import { plannerContext, toPlan } from '../../src/planner/context.js';
import { buildIntentModel, detectIntent } from '../../src/planner/intent.js';
import { planRequest } from '../../src/planner/planner.js';
import { extractSlots } from '../../src/planner/slots.js';
import { prepare } from '../../src/planner/text.js';
import { loadCommands } from '../../src/registry/commands.js';
import { loadTemplates } from '../../src/registry/templates.js';

const project = mkdtempSync(join(tmpdir(), 'baton-planner-'));
const commands = loadCommands(project).commands;
const ctx = plannerContext(commands, project, loadTemplates(project).templates);
const model = buildIntentModel([...commands.values()]);
const actionOf = (t: string) => detectIntent(t, model)?.command;

describe('text preparation', () => {
  it('keeps paths, URLs and quoted command lines whole behind placeholders', () => {
    const p = prepare('Run `python prep.py --rows 10` on data/Churn.csv and https://x.io/a.csv, then split 70/30');
    expect(p.quotes).toEqual(['python prep.py --rows 10']);
    expect(p.paths).toEqual(['https://x.io/a.csv', 'data/Churn.csv']);
    expect(p.text).toBe('run ⟦q0⟧ on ⟦p1⟧ and ⟦p0⟧ , then split 70/30');
  });
});

describe('clause splitting', () => {
  it('finds sequence, parallel groups, conditions and else branches', () => {
    const clauses = splitClauses(prepare('validate it, then train a knn and evaluate it in parallel, and if accuracy is above 90% deploy it, otherwise write a report').text, actionOf);
    expect(clauses.map((c) => [c.text, c.parallel, c.condition?.op ?? null, c.otherwise ?? false])).toEqual([
      ['validate it', false, null, false],
      ['train a knn', false, null, false],
      ['evaluate it', true, null, false],
      ['deploy it', false, '>', false],
      ['write a report', false, null, true],
    ]);
    expect(clauses[3]?.condition).toMatchObject({ metric: 'accuracy', value: 0.9 });
  });

  it('reads conditions in the words of the field', () => {
    expect(parseCondition('the best f1 is at least 85%')?.condition).toMatchObject({ metric: 'f1', op: '>=', value: 0.85, best: true });
    expect(parseCondition('recall drops below 0.6 then stop')?.condition).toMatchObject({ metric: 'recall', op: '<', value: 0.6 });
    expect(parseCondition('drift is detected')?.condition).toMatchObject({ metric: 'drift_detected', value: true });
    expect(parseCondition('the weather is nice')).toBeUndefined();
  });
});

describe('intents', () => {
  it('reads aliases, stems and typos', () => {
    expect(actionOf('fit a model')).toBe('train');
    expect(actionOf('trian a model')).toBe('train');
    expect(actionOf('evalute it')).toBe('evaluate');
    expect(actionOf('ship it to prod')).toBe('deploy');
    expect(actionOf('check staging for drift')).toBe('monitor');
    expect(actionOf('make me a sandwich')).toBeUndefined();
  });
});

describe('slots', () => {
  const slots = (command: string, text: string) => {
    const p = prepare(text);
    return extractSlots(command, p.text, p);
  };
  it('normalises models, numbers and percentages', () => {
    expect(slots('train', 'train an RF on data/a.csv with 10 folds for 20 epochs, lr 0.01').args).toEqual({ dataset: 'data/a.csv', folds: 10, epochs: 20, learning_rate: 0.01, model: 'random-forest' });
    expect(slots('split', 'split data/a.csv 80/20, stratified').args).toEqual({ dataset: 'data/a.csv', test_size: 0.2, stratify: true });
    expect(slots('deploy', 'ship models/m.pkl to prod as a canary at 10%').args).toEqual({ model: 'models/m.pkl', env: 'production', strategy: 'canary', percent: 10 });
    expect(slots('monitor', 'monitor staging every 15 minutes').args).toEqual({ env: 'staging', every: '15m' });
  });
  it('turns a list of values into a loop, and retries into total attempts', () => {
    expect(slots('train', 'train with learning rates 0.1, 0.01 and 0.001').loop).toEqual({ arg: 'learning_rate', items: [0.1, 0.01, 0.001] });
    expect(slots('train', 'try rf, knn and svm on iris').loop).toEqual({ arg: 'model', items: ['random-forest', 'knn', 'svm'] });
    expect(slots('train', 'train it, retry up to 3 times with backoff').retry).toEqual({ attempts: 4, backoff: 'exponential' });
  });
});

describe('the planner', () => {
  it('plans the example request from the issue', () => {
    const r = planRequest('validate data/churn.csv, then fit a logistic regression with 10 folds and a random forest in parallel, compare them with a t-test, and if the best accuracy is above 0.9 deploy it to staging', ctx);
    expect(r.clarifications).toEqual([]);
    expect(r.steps.map((s) => [s.id, s.needs, s.if])).toEqual([
      ['validate', [], null],
      ['train', ['validate'], null],
      ['train_2', ['validate'], null],
      ['compare', ['train', 'train_2'], null],
      ['deploy', ['compare'], 'steps.compare.outputs.best_score > 0.9'],
    ]);
    expect(r.steps[3]?.args).toEqual({ test: 't-test', models: ['${{ steps.train.outputs.model }}', '${{ steps.train_2.outputs.model }}'] });
    // The planner's output is a plan the engine accepts.
    expect(toPlan(r).steps).toHaveLength(5);
  });

  it('asks instead of guessing: a missing dataset, or nothing it can do', () => {
    expect(planRequest('train a random forest with 5 folds', ctx).clarifications[0]).toMatchObject({ question: 'Which dataset should train use?', arg: 'dataset' });
    const none = planRequest('make me a sandwich', ctx);
    expect(none.steps).toEqual([]);
    expect(none.clarifications[0]?.suggestions.length).toBeGreaterThan(0);
  });

  it('never crashes or hangs on empty, huge or random input', () => {
    expect(planRequest('', ctx).steps).toEqual([]);
    const huge = planRequest(`${'train a random forest on iris then '.repeat(400)}evaluate`, ctx);
    expect(huge.steps.length).toBeGreaterThan(0);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const r = planRequest(text, ctx);
        return Array.isArray(r.steps) && (r.steps.length > 0 || r.clarifications.length > 0);
      }),
      { numRuns: 1000 },
    );
  });

  it('learns a command a project adds, from its aliases and examples', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-planner-'));
    mkdirSync(join(dir, '.baton/commands'), { recursive: true });
    writeFileSync(
      join(dir, '.baton/commands/label.md'),
      '---\nname: label\ndescription: Send rows to human annotators\ncapability: data\naliases: [annotate, crowdsource]\nargs:\n  dataset: { type: path, required: true }\n  annotators: { type: integer, default: 3 }\nrun: builtin:report\nexamples:\n  - annotate data/unlabelled.csv\n  - get the new rows labelled by annotators\n---\nLabels.\n',
    );
    const own = plannerContext(loadCommands(dir).commands, dir);
    const r = planRequest('annotate data/new.csv, then train a decision tree on it', own);
    expect(r.steps.map((s) => [s.command, s.args.dataset])).toEqual([
      ['label', 'data/new.csv'],
      ['train', 'data/new.csv'],
    ]);
  });
});

describe('whole workflows', () => {
  it('a request naming a flagship workflow plans one uses step, with the dataset and model it names', () => {
    const cases: [string, string, Record<string, unknown>][] = [
      ['run the object detection pipeline on data/images.csv', 'vision-pipeline', { dataset: 'data/images.csv' }],
      ['parallel hyperparameter optimization on penguins', 'hpo-search', { dataset: 'penguins' }],
      ['set up automated model monitoring', 'monitor-retrain', {}],
      ['a progressive experiment on data/churn.csv, baselines first', 'progressive-experiment', { dataset: 'data/churn.csv' }],
      ['multi-agent analysis for a Kaggle tabular competition on data/train.csv', 'tabular-competition', { dataset: 'data/train.csv' }],
      ['production rollout of a random forest on iris', 'production-rollout', { dataset: 'iris', model: 'random-forest' }],
    ];
    for (const [request, template, args] of cases) {
      const r = planRequest(request, ctx);
      expect(r.steps.map((s) => [s.uses, s.args]), request).toEqual([[template, args]]);
      expect(r.clarifications).toEqual([]);
      expect(toPlan(r).steps[0]).toMatchObject({ uses: template, with: args });
    }
  });

  it('a sample name that is also a word is a dataset only when said as one', () => {
    expect(planRequest('train a random forest on churn', ctx).steps[0]?.args.dataset).toBe('churn');
    expect(planRequest('train on the shapes dataset', ctx).steps[0]?.args.dataset).toBe('shapes');
    expect(planRequest('train a churn classifier', ctx).steps[0]?.args.dataset).toBeUndefined();
    expect(planRequest('train a random forest on penguins', ctx).steps[0]?.args.dataset).toBe('penguins');
  });

  it('plain requests that share words with a workflow still plan commands', () => {
    expect(planRequest('deploy the model to production', ctx).steps.map((s) => s.command)).toEqual(['deploy']);
    expect(planRequest('monitor staging for drift', ctx).steps.map((s) => s.command)).toEqual(['monitor']);
    expect(planRequest('tune a random forest on iris with bayesian optimization', ctx).steps.map((s) => s.command)).toEqual(['tune']);
  });
});
