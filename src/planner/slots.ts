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

const NUM = '(-?\\d*\\.?\\d+(?:e-?\\d+)?)';

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

/** A list such as "0.1, 0.01 and 0.001" or "rf, knn and svm" after `lead`. */
function listAfter(text: string, lead: RegExp): string[] | undefined {
  const m = new RegExp(`${lead.source}\\s*:?\\s*((?:[\\w.%-]+(?:\\s*,\\s*|\\s+and\\s+|\\s+or\\s+)){1,}[\\w.%-]+)`).exec(text);
  if (!m) return undefined;
  return (m[1] ?? '').split(/\s*,\s*|\s+and\s+|\s+or\s+/).filter(Boolean);
}

const SCHEDULE = new RegExp(`\\bevery\\s+(?:${NUM}\\s*)?([a-z]+)\\b|\\b(hourly|daily|nightly|weekly|every minute)\\b`);

export function extractSlots(command: string, text: string, prepared: Prepared): Slots {
  const args: Record<string, unknown> = {};
  const paths = placeholderValues(text, prepared, 'p');
  const quotes = placeholderValues(text, prepared, 'q');
  const models = findModels(text.replace(/⟦[pq]\d+⟧/g, ' '));
  const slots: Slots = { args, models, refersBack: /\b(?:it|them|the model|the best|the winner|this model|that model|the trained|both|the result|the results)\b/.test(text) };
  const sample = SAMPLE_DATASETS.find((d) => new RegExp(`\\b${d}\\b`).test(text));

  const dataset = paths[0] ?? sample;
  switch (command) {
    case 'ingest':
      if (dataset !== undefined) args.source = dataset;
      for (const f of ['csv', 'jsonl', 'json', 'parquet']) if (new RegExp(`\\b${f}\\b`).test(text.replace(/⟦p\d+⟧/g, ''))) args.format = f;
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

  const folds = new RegExp(`${NUM}\\s*-?\\s*folds?\\b|\\bk\\s*=\\s*${NUM}\\b|\\bfolds?\\s*(?:=|of)?\\s*${NUM}`).exec(text);
  if (folds && ['train', 'tune', 'split'].includes(command)) args.folds = num(folds[1] ?? folds[2] ?? folds[3]);
  const epochs = new RegExp(`${NUM}\\s*epochs?\\b|\\bepochs?\\s*(?:=|of)?\\s*${NUM}`).exec(text);
  if (epochs && command === 'train') args.epochs = num(epochs[1] ?? epochs[2]);
  const batch = new RegExp(`\\bbatch[ _-]?size\\s*(?:=|of)?\\s*${NUM}|\\bbatches of\\s*${NUM}`).exec(text);
  if (batch && command === 'train') args.batch_size = num(batch[1] ?? batch[2]);

  // A list of values for one parameter is a loop over them.
  const lrList = listAfter(text, /\b(?:learning[ _-]?rates?|lrs?)(?:\s+of)?/);
  if (lrList && lrList.length > 1 && command === 'train') slots.loop = { arg: 'learning_rate', items: lrList.map((v) => num(v) ?? v) };
  else {
    const lr = new RegExp(`\\b(?:learning[ _-]?rate|lr)\\s*(?:=|of)?\\s*${NUM}`).exec(text);
    if (lr && ['train', 'tune'].includes(command)) args.learning_rate = num(lr[1]);
  }

  if (command === 'split' || /\b(?:test|holdout|hold-out|validation)\b/.test(text)) {
    const pct = /(\d+(?:\.\d+)?%)\s*(?:of the data\s*)?(?:for\s+)?(?:test|holdout|hold-out|validation|held[- ]out)/.exec(text) ?? new RegExp(`\\b(?:test|holdout)[ _-]?(?:size|split|set|fraction)?\\s*(?:=|of)?\\s*(${NUM.slice(1, -1)}%?)`).exec(text);
    const ratio = /\b(\d{2})\s*[/:-]\s*(\d{2})\s*split\b/.exec(text);
    if (pct && command === 'split') args.test_size = fraction(pct[1]);
    else if (ratio && command === 'split') args.test_size = Number(ratio[2]) / 100;
  }
  if (command === 'split' && /\bstratif/.test(text)) args.stratify = true;

  if (command === 'validate') {
    const missing = /(?:at most|max(?:imum)?|no more than|under|below|less than|up to)\s+(\d+(?:\.\d+)?%?|0?\.\d+)\s*(?:of\s+)?(?:missing|nulls?|nans?|empty)/.exec(text) ?? /(?:missing|nulls?)(?:\s+values?)?\s+(?:below|under|at most|<=?|less than)\s+(\d+(?:\.\d+)?%?|0?\.\d+)/.exec(text);
    if (missing) args.max_missing = fraction(missing[1]);
    const schema = paths.find((p) => /\.(?:ya?ml|json)$/.test(p) && /\bschema\b/.test(text));
    if (schema) {
      args.schema = schema;
      if (args.dataset === schema) {
        if (paths[1] !== undefined) args.dataset = paths[1];
        else delete args.dataset;
      }
    }
  }

  if (command === 'preprocess') {
    const steps = ['impute', 'scale', 'normalize', 'encode', 'one-hot', 'standardize', 'deduplicate', 'tokenize', 'resize', 'augment'].filter((s) => text.includes(s.slice(0, 5)));
    if (steps.length) args.steps = steps;
  }
  if (command === 'features') {
    const method = /\b(interactions?|polynomial|binning|date parts|variance|correlation)\b/.exec(text);
    if (method) args.method = (method[1] ?? '').replace(/s$/, '').replace('interaction', 'interactions');
  }

  if (command === 'tune') {
    const strategy = /\b(bayesian|grid|random)\b/.exec(text);
    if (strategy) args.strategy = strategy[1];
    const trials = new RegExp(`${NUM}\\s*(?:trials|iterations|configurations|configs|candidates|runs)\\b|\\btrials\\s*(?:=|of)?\\s*${NUM}`).exec(text);
    if (trials) args.trials = num(trials[1] ?? trials[2]);
    const workers = new RegExp(`${NUM}\\s*(?:workers|parallel workers)\\b`).exec(text);
    if (workers) args.workers = num(workers[1]);
  }
  if (['tune', 'compare', 'monitor'].includes(command)) {
    const metric = /\b(?:on|by|optimi[sz]ing|maximi[sz]ing|using|metric)\s+(accuracy|f1|precision|recall|auc|rmse|r2|loss)\b/.exec(text);
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
    else if (/\bblue[ -]?green\b/.test(text)) args.strategy = 'blue-green';
    else if (/\brolling\b/.test(text)) args.strategy = 'rolling';
    const percent = /(\d+(?:\.\d+)?)\s*(?:%|percent)/.exec(text);
    if (percent) args.percent = Number(percent[1]);
    if (paths[0] !== undefined) args.model = paths[0];
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
    const threshold = new RegExp(`\\bthreshold\\s*(?:=|of)?\\s*${NUM}`).exec(text);
    if (threshold) args.threshold = num(threshold[1]);
    if (dataset !== undefined) args.dataset = dataset;
    if (models[0] !== undefined) args.model = models[0];
  }
  if (command === 'report') {
    const format = /\b(html|markdown|md)\b/.exec(text);
    if (format) args.format = format[1] === 'md' ? 'markdown' : format[1];
    if (quotes[0] !== undefined) args.title = quotes[0];
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
