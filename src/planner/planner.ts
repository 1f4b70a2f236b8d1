import type { CommandDef } from '../core/command.js';
import { scriptArguments } from '../core/projectContext.js';
import { assemble, type AnalyzedClause, type Clarification, type PlannedStep } from './assemble.js';
import { splitClauses } from './clauses.js';
import { detectIntent, type IntentModel } from './intent.js';
import { extractSlots } from './slots.js';
import { prepare, type Prepared } from './text.js';

/** What `baton plan "REQUEST" --json` prints. */
export interface PlanResult {
  request: string;
  confidence: number;
  clarifications: Clarification[];
  steps: PlannedStep[];
}

export interface PlannerContext {
  model: IntentModel;
  commands: ReadonlyMap<string, CommandDef>;
  /** Datasets to suggest when a request names none: files in the project, then the samples. */
  datasets: string[];
  /** Templates a request can ask for whole, by one of their `requests` phrases. */
  workflows?: { name: string; requests: string[]; params: string[]; required: string[] }[];
  /** The project's own training script, which a request to train is offered to run instead. */
  trainingScript?: { path: string; flags: string[]; frameworks: string[]; python: string };
}

/** Below this, the planner asks before it guesses. */
export const CONFIDENCE_THRESHOLD = 0.5;

/**
 * Plain English to plan steps, offline: prepare the text, split it into clauses, find each
 * clause's command and arguments, and assemble the steps. Honest about what it did not
 * understand: unknown clauses lower the confidence and become questions.
 */
export function planRequest(request: string, ctx: PlannerContext): PlanResult {
  const prepared = prepare(request);
  const workflow = ctx.workflows?.find((w) => w.requests.some((r) => hasPhrase(prepared.text, r)));
  if (workflow) return workflowPlan(request, prepared, workflow, ctx.datasets);
  // For splitting, only a clear cue counts as an action: a bare model name in a list is not one.
  // "set up automated retraining triggers: monitor production daily and ...": a heading before a
  // colon that names no file frames the request; what follows it is the request.
  const colon = /^([^:⟦]{3,80}):\s*(.+)$/.exec(prepared.text);
  if (colon && detectIntent(colon[2] ?? '', ctx.model)) prepared.text = colon[2] ?? prepared.text;
  const clauses = splitClauses(prepared.text, (t) => {
    const intent = detectIntent(t, ctx.model);
    return intent && intent.by !== 'classifier' ? intent.command : undefined;
  });
  const analyzed: AnalyzedClause[] = [];
  const unknown: string[] = [];
  for (const clause of clauses) {
    const intent = detectIntent(clause.text, ctx.model);
    if (!intent) {
      // "; if it crashes, retry twice": a retry said apart from its step belongs to the step before.
      const previous = analyzed[analyzed.length - 1];
      const retry = previous ? extractSlots(previous.intent.command, clause.text, prepared).retry : undefined;
      if (previous && retry) previous.slots.retry = retry;
      else if (clause.text.replace(/⟦parallel⟧/g, '').trim()) unknown.push(clause.text);
      continue;
    }
    const slots = extractSlots(intent.command, clause.text, prepared);
    // "benchmark models/gbm.pkl on the test set": one model is scored, not compared.
    if (intent.command === 'compare' && Array.isArray(slots.args.models) && slots.args.models.length === 1) {
      const only = slots.args.models[0] as string;
      const scored = extractSlots('evaluate', clause.text, prepared);
      analyzed.push({ clause, intent: { ...intent, command: 'evaluate' }, slots: { ...scored, args: { ...scored.args, model: only } } });
      continue;
    }
    analyzed.push({ clause, intent, slots });
  }
  // The one dataset a request names is every data step's, unless a step says otherwise.
  const named = [...new Set([...prepared.text.matchAll(/⟦p(\d+)⟧/g)].map((m) => prepared.paths[Number(m[1])] ?? '').filter((p) => /\.(?:csv|tsv|jsonl?|parquet)$/.test(p)))];
  const { steps, clarifications } = assemble(analyzed, ctx.commands, ctx.datasets, named.length === 1 ? named[0] : undefined);
  let confidence = analyzed.length ? Math.min(...analyzed.map((a) => a.intent.confidence)) : 0;
  confidence *= 0.8 ** unknown.length;
  if (clarifications.length) confidence *= 0.9;
  if (steps.length === 0) {
    return {
      request,
      confidence: 0,
      clarifications: [
        {
          question: request.trim() ? `I could not find anything Baton can do in "${request.trim().slice(0, 80)}". What would you like to do?` : 'What would you like to do?',
          suggestions: exampleRequests(ctx.commands),
        },
      ],
      steps: [],
    };
  }
  if (confidence < CONFIDENCE_THRESHOLD) {
    clarifications.push({ question: `Is this what you meant: ${steps.map((s) => s.command).join(' → ')}?`, suggestions: ['yes', 'no, let me rephrase'] });
  }
  const offer = ctx.trainingScript ? scriptOffer(steps, ctx.trainingScript) : undefined;
  if (offer) clarifications.push(offer);
  return { request, confidence: Math.round(confidence * 100) / 100, clarifications, steps };
}

const phraseWords = (text: string) => text.toLowerCase().replace(/⟦[pq]\d+⟧/g, ' ').split(/[^a-z0-9-]+/).filter(Boolean);

/** Whether the request says the phrase, word for word (case, punctuation and spacing aside). */
function hasPhrase(text: string, phrase: string): boolean {
  return ` ${phraseWords(text).join(' ')} `.includes(` ${phraseWords(phrase).join(' ')} `);
}

/** A request for a whole workflow: one `uses` step, with the dataset and model it names as parameters. */
function workflowPlan(request: string, prepared: Prepared, workflow: NonNullable<PlannerContext['workflows']>[number], datasets: string[]): PlanResult {
  const slots = extractSlots('train', prepared.text, prepared);
  const args: Record<string, unknown> = {};
  const dataset = slots.args.dataset ?? slots.args.source;
  if (workflow.params.includes('dataset') && dataset !== undefined) args.dataset = dataset;
  if (workflow.params.includes('model') && slots.models[0] !== undefined) args.model = slots.models[0];
  const step: PlannedStep = { id: workflow.name.replace(/\W/g, '_'), command: '', uses: workflow.name, args, needs: [], if: null, forEach: null, retry: null, until: null };
  const clarifications = workflow.required
    .filter((p) => args[p] === undefined)
    .map((p): Clarification => ({ question: `Which ${p} should the ${workflow.name} workflow use?`, suggestions: p === 'dataset' ? datasets : [], step: step.id, arg: p }));
  return { request, confidence: 1, clarifications, steps: [step] };
}

/** A project with its own train.py: offer to run it, with the request's arguments as its flags, for the first train step. */
function scriptOffer(steps: readonly PlannedStep[], script: NonNullable<PlannerContext['trainingScript']>): Clarification | undefined {
  const train = steps.find((s) => s.command === 'train' && s.forEach === null);
  if (!train) return undefined;
  const command = [script.python, script.path, ...scriptArguments(script.flags, train.args)].map(shellWord).join(' ');
  const uses = script.frameworks.length ? ` (${script.frameworks.join(', ')})` : '';
  return {
    question: `This project has ${script.path}${uses}. Run it for ${train.id} instead of the built-in trainer?`,
    suggestions: [`yes: ${command}`, 'no, use the built-in trainer'],
    step: train.id,
    replace: { command: 'shell', args: { command } },
  };
}

/** A word as the shell command parser reads it back: quoted when it holds anything but safe characters. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

function exampleRequests(commands: ReadonlyMap<string, CommandDef>): string[] {
  const picks = ['train', 'evaluate', 'deploy', 'monitor'].map((n) => commands.get(n)?.examples[0]).filter((e): e is string => e !== undefined);
  return picks.length ? picks : ['train a random forest on iris'];
}
