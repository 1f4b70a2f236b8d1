import { ENVIRONMENTS, findModels, NUMBER_WORDS, SAMPLE_DATASETS, TIME_UNITS } from './lexicon.js';
import type { Prepared } from './text.js';

/**
 * The arguments a clause gives its command: paths and URLs, model names, numbers with their
 * units and meanings (folds, epochs, learning rates, trials, percentages), environments,
 * strategies, schedules and quoted command lines. Pure: text in, values out.
 */
export interface Slots {
  args: Record<string, unknown>;
  /** Models the clause names, normalised, in order (one, or several for parallel steps or a loop). */
  models: string[];
  /** A list to loop over and the argument it feeds (`forEach`). */
  loop?: { arg: string; items: unknown[] };
  retry?: { attempts: number; backoff?: 'exponential' | 'fixed' };
  /** Words that show the clause refers to an earlier result ("it", "the model", "them"). */
  refersBack: boolean;
}

/** Sample names that are also ordinary words ("a churn classifier"): a dataset only when said as one. */
const AMBIGUOUS_SAMPLES = new Set(['churn', 'tabular', 'shapes']);

const NUM = '(-?\\d*\\.?\\d+(?:e-?\\d+)?)';
const MODEL_FILE = /\.(?:pkl|joblib|pt|pth|onnx|h5|bin|safetensors)$|^models?\/|\bmodel\.json$/;
const SCHEMA_FILE = /\.(?:ya?ml|json)$/;

function num(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (text in NUMBER_WORDS) return NUMBER_WORDS[text];
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

function fraction(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const percent = text.endsWith('%');
  const n = num(percent ? text.slice(0, -1) : text);
  if (n === undefined) return undefined;
  return percent || n > 1 ? n / 100 : n;
}

function placeholderValues(text: string, prepared: Prepared, kind: 'p' | 'q'): string[] {
  return [...text.matchAll(new RegExp(`⟦${kind}(\\d+)⟧`, 'g'))].map((m) => (kind === 'p' ? prepared.paths : prepared.quotes)[Number(m[1])] ?? '');
}

/**
 * A list of values. At most 50 before the last: unbounded, a pattern that must end in a keyword
 * ("3, 5 and 10 folds") rescans the whole list from each of its words, quadratic in a long one.
 */
const LIST = '((?:[\\w.%⟦⟧-]+(?:\\s*,\\s*(?:and\\s+|or\\s+)?|\\s+(?:and|or)\\s+)){1,50}[\\w.%⟦⟧-]+)';
const items = (list: string) => list.split(/\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+/).filter(Boolean);

/** Parameters a list of values can sweep, the words that name them, and how to read a value. */
const SWEEPABLE: { arg: string; words: string; commands: string[]; value: (v: string) => unknown }[] = [
  { arg: 'learning_rate', words: 'learning[ _-]?rates?|lrs?', commands: ['train', 'tune'], value: (v) => num(v) ?? v },
  { arg: 'batch_size', words: 'batch[ _-]?sizes?', commands: ['train'], value: (v) => num(v) ?? v },
  { arg: 'folds', words: 'folds?', commands: ['train', 'tune', 'split'], value: (v) => num(v) ?? v },
  { arg: 'epochs', words: 'epochs?', commands: ['train'], value: (v) => num(v) ?? v },
  { arg: 'test_size', words: 'test[ _-]?sizes?', commands: ['split'], value: (v) => fraction(v) ?? v },
  { arg: 'trials', words: 'trials', commands: ['tune'], value: (v) => num(v) ?? v },
];

/** "with learning rates 0.1, 0.01 and 0.001", "3, 5 and 10 folds", "each of a.csv, b.csv", "staging and production". */
function findLoop(command: string, text: string, prepared: Prepared): { arg: string; items: unknown[] } | undefined {
  for (const p of SWEEPABLE) {
    if (!p.commands.includes(command)) continue;
    const before = new RegExp(`\\b(?:${p.words})(?:\\s+of)?\\s*:?\\s*${LIST}`).exec(text);
    const after = new RegExp(`(?<![\\w.%⟦⟧-])${LIST}\\s+(?:${p.words})\\b`).exec(text);
    const list = (before?.[1] !== undefined ? items(before[1]) : undefined) ?? (after?.[1] !== undefined ? items(after[1]) : undefined);
    const values = list?.filter((v) => /^\d*\.?\d+%?$/.test(v));
    if (values && values.length > 1) return { arg: p.arg, items: values.map(p.value) };
  }
  const pathList = /\b(?:each of|for each|every one of|on each of|each)\b/.test(text) ? [...text.matchAll(/⟦p(\d+)⟧/g)].map((m) => prepared.paths[Number(m[1])] ?? '').filter((p) => !MODEL_FILE.test(p)) : [];
  if (pathList.length > 1) return { arg: command === 'ingest' ? 'source' : 'dataset', items: pathList };
  if (command === 'rollback' && /\bstaging\b/.test(text) && /\bproduction|prod\b/.test(text)) return { arg: 'env', items: ['staging', 'production'] };
  return undefined;
}

const SCHEDULE = new RegExp(`\\bevery\\s+(?:${NUM}\\s*)?([a-z]+)\\b|\\b(hourly|daily|nightly|weekly|every minute)\\b`);

export function extractSlots(command: string, text: string, prepared: Prepared): Slots {
  const args: Record<string, unknown> = {};
  const paths = placeholderValues(text, prepared, 'p');
  const quotes = placeholderValues(text, prepared, 'q');
  const models = findModels(text.replace(/⟦[pq]\d+⟧/g, ' '));
  const slots: Slots = { args, models, refersBack: /\b(?:it|them|the model|the best|the winner|this model|that model|the trained|both|the result|the results)\b/.test(text) };
  const sample = SAMPLE_DATASETS.find((d) => new RegExp(AMBIGUOUS_SAMPLES.has(d) ? `\\b(?:on|from|using|with|of)\\s+(?:the\\s+)?${d}\\b|\\b${d}\\s+(?:data|dataset|sample)\\b` : `\\b${d}\\b`).test(text));

  // A path's role from its kind: model files for model arguments, data files for datasets.
  const modelPaths = paths.filter((p) => MODEL_FILE.test(p));
  const dataPaths = paths.filter((p) => !MODEL_FILE.test(p) && !(command === 'validate' && SCHEMA_FILE.test(p) && paths.length > 1));
  const dataset = dataPaths[0] ?? sample;
  if (modelPaths.length > 0) {
    if (command === 'compare') args.models = modelPaths;
    else if (['evaluate', 'deploy', 'monitor'].includes(command)) args.model = modelPaths[0];
  }
  switch (command) {
    case 'ingest':
      if (dataset !== undefined) args.source = dataset;
      {
        const format = /\b(jsonl|json lines|ndjson|json|csv|parquet)\b/.exec(text.replace(/⟦p\d+⟧/g, ''));
        if (format) args.format = format[1] === 'json lines' || format[1] === 'ndjson' ? 'jsonl' : format[1];
      }
      break;
    case 'shell':
      if (quotes[0] !== undefined) args.command = quotes[0];
      break;
    case 'deploy':
    case 'rollback':
    case 'monitor':
      break;
    default:
      if (dataset !== undefined) args.dataset = dataset;
  }

  const folds = new RegExp(`${NUM}\\s*-?\\s*(?:[a-z-]+\\s+)?folds?\\b|\\bk\\s*=\\s*${NUM}\\b|\\bfolds?\\s*(?:=|of)?\\s*${NUM}`).exec(text);
  if (folds && ['train', 'tune', 'split'].includes(command)) args.folds = num(folds[1] ?? folds[2] ?? folds[3]);
  const epochs = new RegExp(`${NUM}\\s*epochs?\\b|\\bepochs?\\s*(?:=|of)?\\s*${NUM}`).exec(text);
  if (epochs && command === 'train') args.epochs = num(epochs[1] ?? epochs[2]);
  const batch = new RegExp(`\\bbatch[ _-]?size\\s*(?:=|of)?\\s*${NUM}|\\bbatches of\\s*${NUM}`).exec(text);
  if (batch && command === 'train') args.batch_size = num(batch[1] ?? batch[2]);

  // A list of values for one parameter is a loop over them.
  const loop = findLoop(command, text, prepared);
  if (loop) slots.loop = loop;
  if (loop?.arg !== 'learning_rate') {
    const lr = new RegExp(`\\b(?:learning[ _-]?rate|lr)\\s*(?:=|of)?\\s*${NUM}`).exec(text);
    if (lr && ['train', 'tune'].includes(command)) args.learning_rate = num(lr[1]);
  }

  if (command === 'split') {
    const t = text.replace(/(\d+(?:\.\d+)?)\s*percent\b/g, '$1%');
    const pct =
      /(\d+(?:\.\d+)?%)\s*(?:of (?:the )?(?:data|rows)\s*)?(?:for\s+)?(?:the\s+)?(?:test|testing|holdout|hold-out|validation|held[- ]out)/.exec(t) ??
      /\b(?:test|holdout|hold out|hold-out)[ _-]?(?:size|split|set|fraction)?\s*(?:=|of|to)?\s*(\d+(?:\.\d+)?%|0?\.\d+)/.exec(t) ??
      /\b(?:hold(?:ing)? out|holdout set of .*? using)\s+(\d+(?:\.\d+)?%)/.exec(t) ??
      /(\d+(?:\.\d+)?%)\s+(?:of the rows|of the data|for test)/.exec(t);
    const ratio = /\b(\d{2})\s*[/:]\s*(\d{2})\b/.exec(text);
    if (pct && command === 'split') args.test_size = fraction(pct[1]);
    else if (ratio && command === 'split' && Number(ratio[1]) + Number(ratio[2]) === 100) args.test_size = Number(ratio[2]) / 100;
  }
  if (command === 'split' && /\bstratif/.test(text)) args.stratify = !/\b(?:without|no|not)\s+stratif/.test(text);

  if (command === 'validate') {
    const missing =
      /(?:at most|max(?:imum)?|no more than|under|below|less than|up to|more than)\s+(\d+(?:\.\d+)?%?|0?\.\d+)\s*(?:of\s+)?(?:missing|nulls?|nans?|empty)/.exec(text) ??
      /(?:missing|nulls?)(?:\s+values?)?\s+(?:below|under|at most|<=?|less than)\s+(\d+(?:\.\d+)?%?|0?\.\d+)/.exec(text) ??
      /\bmax[_ ]missing\s*(?:=|of)?\s*(\d+(?:\.\d+)?%?|0?\.\d+)/.exec(text);
    if (missing) args.max_missing = fraction(missing[1]);
    const schema = paths.find((p) => SCHEMA_FILE.test(p) && p !== dataset);
    if (schema) args.schema = schema;
  }

  if (command === 'preprocess') {
    const steps: string[] = [];
    if (/\b(?:drop|remove|delete)\b.*\b(?:nulls?|missing|incomplete|nans?|empty)\b/.test(text)) steps.push('drop-missing');
    for (const [step, re] of [['impute', /\bimput/], ['scale', /\bscal(?:e|ing)\b/], ['encode', /\bencod|one-hot/], ['deduplicate', /\bdedup/]] as const) {
      if (re.test(text) && !new RegExp(`\\bno\\s+${re.source.slice(2)}`).test(text)) steps.push(step);
    }
    if (steps.length) args.steps = steps;
  }
  if (command === 'features') {
    if (/\b(?:interactions?|products?|crosses|crossed|pairs?|pairwise)\b/.test(text)) args.method = 'interactions';
    else if (/\b(?:polynomial|squared|squares|degree[- ]?\d)\b/.test(text)) args.method = 'polynomial';
    else if (/\bbin(?:ning|s)?\b/.test(text)) args.method = 'binning';
    else if (/\bdate parts?\b/.test(text)) args.method = 'date-parts';
  }
  if (['train', 'tune'].includes(command)) {
    const params: Record<string, unknown> = {};
    const depth = /\bmax[ _-]?depth\s*(?:of|=)?\s*(\d+)\b(?!\s*,)/.exec(text);
    if (depth && command === 'train') params.max_depth = Number(depth[1]);
    const trees = /\b(\d+)\s+(?:trees|estimators)\b|\b(?:n_estimators|trees)\s*=?\s*(\d+)/.exec(text);
    if (trees && command === 'train') params.trees = Number(trees[1] ?? trees[2]);
    const minSamples = /\bmin[ _-]?samples\s*(?:of|=)?\s*(\d+)/.exec(text);
    if (minSamples && command === 'train') params.min_samples = Number(minSamples[1]);
    if (Object.keys(params).length) args.params = params;
    const space = new RegExp(`\\b(max_depth|max depth|trees|min_samples|learning_rate)\\s+${LIST}`).exec(text);
    if (space && command === 'tune') {
      const values = items(space[2] ?? '').map((v) => num(v) ?? v);
      if (values.length > 1) args.space = { [(space[1] ?? '').replace(' ', '_')]: values };
    }
  }

  if (command === 'tune') {
    const strategy = /\b(bayesian|grid|random)\b/.exec(text);
    if (strategy) args.strategy = strategy[1];
    const trials = new RegExp(`${NUM}\\s+(?:\\w+\\s+)?(?:trials?|trails|iterations|configurations|configs|candidates|runs|evaluations)\\b|\\btrials\\s*(?:=|of)?\\s*${NUM}`).exec(text);
    if (trials) args.trials = num(trials[1] ?? trials[2]);
    const workers = new RegExp(`${NUM}\\s*(?:workers|parallel workers)\\b`).exec(text);
    if (workers) args.workers = num(workers[1]);
  }
  if (['tune', 'compare', 'monitor'].includes(command)) {
    const metric = /\b(?:on|by|optimi[sz](?:e|ing)|maximi[sz](?:e|ing)|minimi[sz](?:e|ing)|using|metric|for)\s+(?:the\s+)?(accuracy|f1|precision|recall|auc|rmse|r2|loss)\b/.exec(text) ?? (command === 'monitor' ? /\b(accuracy|f1|precision|recall|auc|rmse|r2)\b/.exec(text) : null);
    if (metric) args.metric = metric[1];
  }
  if (command === 'evaluate') {
    const metrics = ['accuracy', 'f1', 'precision', 'recall', 'auc', 'rmse', 'r2'].filter((m) => new RegExp(`\\b${m}\\b`).test(text));
    if (metrics.length) args.metrics = metrics;
  }
  if (command === 'compare') {
    const test = /\b(paired[ -]t[- ]?test|t[- ]?test|wilcoxon|mcnemar)\b/.exec(text);
    if (test) args.test = (test[1] ?? '').replace(/\s+/g, '-').replace('paired-t-test', 'paired-t-test').replace(/^t-?test$/, 't-test').replace(/^paired-t-?test$/, 'paired-t-test');
    const alpha = new RegExp(`\\b(?:alpha|significance(?: level)?|p\\s*<)\\s*(?:=|of)?\\s*${NUM}`).exec(text);
    if (alpha) args.alpha = num(alpha[1]);
  }

  if (['deploy', 'rollback', 'monitor'].includes(command)) {
    for (const [re, env] of ENVIRONMENTS) if (re.test(text)) args.env = env;
  }
  if (command === 'deploy') {
    if (/\bcanary\b|\bgradual(?:ly)?\b|\bprogressive\b|\bstaged rollout\b|\bslowly\b/.test(text)) args.strategy = 'canary';
    else if (/\bblue[ /-]?green\b/.test(text)) args.strategy = 'blue-green';
    else if (/\brolling\b/.test(text)) args.strategy = 'rolling';
    const percent = /(\d+(?:\.\d+)?)\s*(?:%|percent)/.exec(text);
    if (percent) args.percent = Number(percent[1]);
  }
  if (command === 'rollback') {
    const version = /\bversion\s+(v?\d+(?:\.\d+)*)\b|\b(v\d+(?:\.\d+)*)\b/.exec(text);
    if (version) args.version = version[1] ?? version[2];
  }
  if (command === 'monitor') {
    const every = SCHEDULE.exec(text);
    if (every) {
      const word = every[3];
      const fixed: Record<string, string> = { hourly: '1h', daily: '1d', nightly: '1d', weekly: '7d', 'every minute': '1m' };
      if (word) args.every = fixed[word];
      else {
        const unit = TIME_UNITS[every[2] ?? ''];
        const n = num(every[1]) ?? 1;
        if (unit) args.every = `${every[2] === 'week' || every[2] === 'weeks' ? n * 7 : n}${unit}`;
      }
    }
    const threshold = new RegExp(`\\bthreshold\\s*(?:=|of)?\\s*${NUM}|${NUM}\\s+(?:drift\\s+)?threshold|drift\\s+(?:above|over|exceeds?|greater than|more than)\\s+${NUM}`).exec(text);
    if (threshold) args.threshold = num(threshold[1] ?? threshold[2] ?? threshold[3]);
    if (dataset !== undefined) args.dataset = dataset;
    if (args.model === undefined && models[0] !== undefined) args.model = models[0];
  }
  if (command === 'report') {
    const format = /\b(html|markdown|md)\b/.exec(text);
    if (format) args.format = format[1] === 'md' ? 'markdown' : format[1];
    if (quotes[0] !== undefined) args.title = quotes[0];
  }

  if (slots.loop) {
    delete args[slots.loop.arg];
  }
  // "three models: a, b and c", "for each of rf, knn and svm", "try rf, knn and svm".
  if (!slots.loop && models.length > 1 && ['train', 'tune', 'evaluate'].includes(command) && !text.includes('⟦parallel⟧')) {
    slots.loop = { arg: 'model', items: models };
  } else if (models[0] !== undefined && ['train', 'tune'].includes(command)) {
    args.model = models[0];
  }

  const retry = /\bretr(?:y|ies|ying)\b(?:\s+(?:it|up to|at most|max(?:imum)?))?(?:\s+(?:up to|at most))?\s*(\d+|[a-z]+)?\s*(?:times|x)?|\b(\d+|[a-z]+)\s+retr(?:y|ies)\b|\b(?:try|attempt)\s+(\d+|[a-z]+)\s+times\b/.exec(text);
  if (retry) {
    const retries = num(retry[1]) ?? num(retry[2]);
    const tries = num(retry[3]);
    const attempts = tries ?? (retries !== undefined ? retries + 1 : 3);
    slots.retry = { attempts };
    if (/\bbackoff\b|\bexponential/.test(text)) slots.retry.backoff = /\bfixed\b|\bconstant\b/.test(text) ? 'fixed' : 'exponential';
  }
  return slots;
}
