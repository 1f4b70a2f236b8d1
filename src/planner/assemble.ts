import type { CommandDef } from '../core/command.js';
import type { Clause, Condition } from './clauses.js';
import type { Intent } from './intent.js';
import type { Slots } from './slots.js';

/**
 * Turns classified clauses into plan steps: ids, needs from sequence and parallel groups, data
 * carried from step to step (the dataset last named, a split's halves, the model a training made),
 * conditions read from the step that produces the metric, else branches, loops, retries and
 * repeat-until, and questions for what is still missing.
 */
export interface PlannedStep {
  id: string;
  command: string;
  /** A workflow template run whole (then `args` are its parameters and `command` is empty). */
  uses?: string;
  args: Record<string, unknown>;
  needs: string[];
  if: string | null;
  else?: string[];
  forEach: unknown[] | null;
  retry: { attempts: number; backoff: 'exponential' | 'fixed' } | null;
  until: string | null;
  maxIterations?: number;
}

export interface Clarification {
  question: string;
  suggestions: string[];
  step?: string;
  arg?: string;
  /** Set when the first suggestion swaps `step` for another command (the project's own training script). */
  replace?: { command: string; args: Record<string, unknown> };
}

export interface AnalyzedClause {
  clause: Clause;
  intent: Intent;
  slots: Slots;
}

const DATA_COMMANDS = new Set(['analyze', 'validate', 'preprocess', 'features', 'split', 'train', 'tune', 'evaluate']);
const PRODUCES: Record<string, string[]> = {
  train: ['accuracy', 'f1', 'precision', 'recall', 'rmse', 'r2', 'loss', 'score'],
  tune: ['accuracy', 'f1', 'score', 'loss'],
  evaluate: ['accuracy', 'f1', 'precision', 'recall', 'auc', 'rmse', 'r2', 'loss', 'score'],
  compare: ['best_score'],
  monitor: ['drift', 'drift_detected'],
};

const ref = (id: string, output: string) => `\${{ steps.${id}.outputs.${output} }}`;

export function assemble(
  analyzed: readonly AnalyzedClause[],
  commands: ReadonlyMap<string, CommandDef>,
  datasetSuggestions: string[],
  requestDataset?: string,
): { steps: PlannedStep[]; clarifications: Clarification[] } {
  const steps: PlannedStep[] = [];
  const clarifications: Clarification[] = [];
  const counts = new Map<string, number>();
  let previousGroup: string[] = [];
  let currentGroup: string[] = [];
  let groupNeeds: string[] = [];
  let lastDataset: unknown;
  let lastConditional: PlannedStep | undefined;
  const latest = new Map<string, string>();

  const newId = (command: string) => {
    const n = (counts.get(command) ?? 0) + 1;
    counts.set(command, n);
    return n === 1 ? command : `${command}_${n}`;
  };
  const latestOf = (...commands: string[]) => {
    let best: { id: string; at: number } | undefined;
    for (const c of commands) {
      const id = latest.get(c);
      const at = id === undefined ? -1 : steps.findIndex((s) => s.id === id);
      if (id !== undefined && (!best || at > best.at)) best = { id, at };
    }
    return best?.id;
  };

  for (const { clause, intent, slots } of analyzed) {
    const command = intent.command;
    if (!clause.parallel) {
      if (currentGroup.length > 0) previousGroup = currentGroup;
      currentGroup = [];
      groupNeeds = [...previousGroup];
    }
    // "fit a logistic regression and a random forest in parallel": one step per model.
    const perModel = clause.text.includes('⟦parallel⟧') && slots.models.length > 1 ? slots.models : [undefined];
    const made: PlannedStep[] = [];
    for (const model of perModel) {
      const id = newId(command);
      const args: Record<string, unknown> = { ...slots.args };
      if (model !== undefined) args.model = model;
      fillFromEarlier(command, args, slots, latest, lastDataset, steps, latestOf);
      const step: PlannedStep = { id, command, args, needs: [...groupNeeds], if: null, forEach: null, retry: null, until: null };
      if (slots.loop) {
        step.forEach = slots.loop.items;
        args[slots.loop.arg] = '${{ item }}';
      }
      if (slots.retry) step.retry = { attempts: slots.retry.attempts, backoff: slots.retry.backoff ?? 'exponential' };
      if (clause.until) {
        step.until = `outputs.${clause.until.metric} ${clause.until.op} ${String(clause.until.value)}`;
        if (clause.maxIterations !== undefined) step.maxIterations = clause.maxIterations;
      }
      if (clause.condition) {
        const source = conditionSource(clause.condition, latestOf);
        if (source) {
          step.if = conditionText(clause.condition, source);
          if (!step.needs.includes(source.id)) step.needs.push(source.id);
        }
      }
      if (clause.otherwise && lastConditional) {
        lastConditional.else = [...(lastConditional.else ?? []), id];
        step.needs = [...lastConditional.needs];
      }
      made.push(step);
    }
    for (const step of made) {
      if (step.command === 'tune' && step.until !== null) step.until = step.until.replace(/^outputs\.(?:score|accuracy)\b/, 'outputs.best_score');
      steps.push(step);
      currentGroup.push(step.id);
      latest.set(command, step.id);
      if (step.if !== null) lastConditional = step;
    }
    const given = slots.args.dataset ?? slots.args.source;
    if (given !== undefined) lastDataset = given;
    // What a data step writes is what the steps after it read: train on the cleaned data, not the raw.
    const transformed = made.find((s) => ['ingest', 'preprocess', 'features'].includes(s.command) && s.forEach === null);
    if (transformed) lastDataset = ref(transformed.id, 'path');
  }

  shareDatasets(steps);
  if (requestDataset !== undefined) {
    for (const step of steps) if (DATA_COMMANDS.has(step.command) && step.args.dataset === undefined) step.args.dataset = requestDataset;
    for (const step of steps) if (step.command === 'ingest' && step.args.source === undefined) step.args.source = requestDataset;
  }
  for (const step of steps) {
    // "write a report on iris": words that fill an argument for most commands are not this one's.
    const known = commands.get(step.command)?.args;
    if (known) for (const name of Object.keys(step.args)) if (!Object.hasOwn(known, name)) delete step.args[name];
  }
  for (const step of steps) {
    // compare takes its models in one of three arguments, none required alone: it still needs one.
    if (step.command === 'compare' && !['models', 'scores', 'predictions'].some((a) => step.args[a] !== undefined)) {
      clarifications.push({ question: `Which models should ${step.id} compare?`, suggestions: ['train two models first, such as "train a random forest and a logistic regression on iris, then compare them"'], step: step.id, arg: 'models' });
    }
    const def = commands.get(step.command);
    for (const [name, spec] of Object.entries(def?.args ?? {})) {
      if (!spec.required || spec.default !== undefined || step.args[name] !== undefined) continue;
      const suggestions = name === 'dataset' || name === 'source' ? datasetSuggestions : name === 'command' ? ['python train.py', 'make data'] : [];
      clarifications.push({ question: `Which ${name} should ${step.id} use?`, suggestions, step: step.id, arg: name });
    }
  }
  return { steps, clarifications };
}

function fillFromEarlier(
  command: string,
  args: Record<string, unknown>,
  slots: Slots,
  latest: Map<string, string>,
  lastDataset: unknown,
  steps: readonly PlannedStep[],
  latestOf: (...commands: string[]) => string | undefined,
): void {
  const split = latest.get('split');
  if (DATA_COMMANDS.has(command) && args.dataset === undefined) {
    if (split && ['train', 'tune'].includes(command)) args.dataset = ref(split, 'train');
    else if (split && command === 'evaluate') args.dataset = ref(split, 'test');
    else if (lastDataset !== undefined) args.dataset = lastDataset;
  }
  const trainer = latestOf('train', 'tune');
  // "tune it", "retrain it": the model named earlier.
  if (['train', 'tune'].includes(command) && args.model === undefined && !slots.loop && trainer) {
    const earlier = steps.find((s) => s.id === trainer)?.args.model;
    if (typeof earlier === 'string' && !earlier.startsWith('$')) args.model = earlier;
  }
  if (command === 'rollback' && args.env === undefined) {
    const where = latestOf('monitor', 'deploy');
    const env = steps.find((s) => s.id === where)?.args.env;
    if (env !== undefined) args.env = env;
  }
  if (command === 'evaluate' && args.model === undefined && trainer) args.model = ref(trainer, 'model');
  if (command === 'compare' && args.models === undefined) {
    const trains = steps.filter((s) => s.command === 'train' || s.command === 'tune').map((s) => ref(s.id, 'model'));
    if (trains.length > 0) args.models = trains;
  }
  if (command === 'deploy' && args.model === undefined) {
    const source = latestOf('compare', 'evaluate', 'train', 'tune');
    const given = steps.find((s) => s.id === source)?.args.model;
    // A model file the request named travels as it is; a trained one by its output.
    if (typeof given === 'string' && !given.startsWith('$') && /[/.]/.test(given)) args.model = given;
    else if (source) args.model = ref(source, latest.get('compare') === source ? 'best_model' : 'model');
  }
  if (command === 'monitor' && args.model === undefined && slots.refersBack) {
    const deployed = latest.get('deploy');
    if (deployed) args.model = ref(deployed, 'version');
  }
}

function conditionSource(c: Condition, latestOf: (...commands: string[]) => string | undefined): { id: string; output: string } | undefined {
  if (c.metric === 'drift_detected' || c.metric === 'drift') {
    const id = latestOf('monitor');
    return id ? { id, output: c.metric } : undefined;
  }
  if (c.best) {
    const compare = latestOf('compare');
    if (compare) return { id: compare, output: 'best_score' };
  }
  const id = latestOf(...Object.keys(PRODUCES).filter((k) => PRODUCES[k]?.includes(c.metric)));
  return id ? { id, output: c.metric } : undefined;
}

function conditionText(c: Condition, source: { id: string; output: string }): string {
  if (typeof c.value === 'boolean') return `steps.${source.id}.outputs.${source.output}`;
  return `steps.${source.id}.outputs.${source.output} ${c.op} ${String(c.value)}`;
}

/** "analyze and validate data/churn.csv in parallel": siblings without a dataset take the one named. */
function shareDatasets(steps: PlannedStep[]): void {
  for (const step of steps) {
    if (!DATA_COMMANDS.has(step.command) || step.args.dataset !== undefined) continue;
    const sibling = steps.find((s) => s !== step && s.args.dataset !== undefined && JSON.stringify(s.needs) === JSON.stringify(step.needs) && typeof s.args.dataset === 'string' && !s.args.dataset.startsWith('$'));
    if (sibling) step.args.dataset = sibling.args.dataset;
  }
}
