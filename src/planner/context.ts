import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import type { CommandDef } from '../core/command.js';
import type { Plan } from '../core/plan.js';
import type { TemplateDef } from '../core/planCheck.js';
import { parsePlan } from '../core/planSchema.js';
import { scanProject } from '../registry/projectScan.js';
import { buildIntentModel, trainClassifier, trainingDocuments } from './intent.js';
import { SAMPLE_DATASETS } from './lexicon.js';
import type { PlannerContext, PlanResult } from './planner.js';

const DATA_FILE = /\.(?:csv|tsv|json|jsonl|parquet)$/;

function cacheDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_CACHE_HOME ?? join(env.HOME ?? homedir(), '.cache'), 'baton');
}

/**
 * The intent classifier, trained on the commands' aliases and examples, cached as JSON keyed by a
 * hash of what it learned from: a project that adds a command gets a new model, others reuse theirs.
 */
export function loadClassifier(commands: readonly CommandDef[], env: NodeJS.ProcessEnv = process.env): BayesClassifier {
  const docs = trainingDocuments(commands);
  const hash = createHash('sha256').update(JSON.stringify(docs)).digest('hex').slice(0, 16);
  const path = join(cacheDir(env), `intent-${hash}.json`);
  try {
    if (existsSync(path)) return BayesClassifier.restore(JSON.parse(readFileSync(path, 'utf8')), PorterStemmer);
  } catch {
    // A damaged cache is rebuilt below.
  }
  const classifier = trainClassifier(commands);
  try {
    mkdirSync(cacheDir(env), { recursive: true });
    writeFileSync(path, JSON.stringify(classifier));
  } catch {
    // No cache when the folder is read-only: training again next time is cheap enough.
  }
  return classifier;
}

/** Data files a user probably means, for "which dataset?" questions. */
export function datasetSuggestions(projectDir: string): string[] {
  const found: string[] = [];
  for (const dir of ['.', 'data']) {
    try {
      for (const f of readdirSync(join(projectDir, dir))) if (DATA_FILE.test(f)) found.push(dir === '.' ? f : `${dir}/${f}`);
    } catch {
      // No such folder.
    }
  }
  return [...found.slice(0, 5), ...SAMPLE_DATASETS];
}

export function plannerContext(commands: ReadonlyMap<string, CommandDef>, projectDir: string, templates: ReadonlyMap<string, TemplateDef> = new Map()): PlannerContext {
  const defs = [...commands.values()];
  const workflows = [...templates.values()].filter((t) => t.requests?.length).map((t) => ({
    name: t.name,
    requests: t.requests ?? [],
    params: Object.keys(t.params),
    required: Object.entries(t.params).filter(([, spec]) => spec.required && spec.default === undefined).map(([k]) => k),
  }));
  const ctx: PlannerContext = { model: buildIntentModel(defs, loadClassifier(defs)), commands, datasets: datasetSuggestions(projectDir), workflows };
  const scan = scanProject(projectDir);
  const script = scan.scripts[0];
  if (script && scan.python) ctx.trainingScript = { ...script, python: scan.python };
  return ctx;
}

/** The planner's steps as a plan the engine runs (validated like any plan file). */
export function toPlan(result: PlanResult, name = 'request'): Plan {
  const raw = {
    name,
    description: result.request.slice(0, 200),
    steps: result.steps.map((s) => ({
      id: s.id,
      ...(s.uses !== undefined ? { uses: s.uses, with: s.args } : { command: s.command, args: s.args }),
      needs: s.needs,
      ...(s.if !== null ? { if: s.if } : {}),
      ...(s.else ? { else: s.else } : {}),
      ...(s.forEach !== null ? { forEach: s.forEach } : {}),
      ...(s.retry !== null ? { retry: s.retry } : {}),
      ...(s.until !== null ? { until: s.until } : {}),
      ...(s.maxIterations !== undefined ? { maxIterations: s.maxIterations } : {}),
    })),
  };
  return parsePlan(raw, 'the request', name);
}
