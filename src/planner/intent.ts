import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { DamerauLevenshteinDistance } from 'natural/lib/natural/distance/index.js';
import type { CommandDef } from '../core/command.js';
import { findModels } from './lexicon.js';
import { words } from './text.js';

/**
 * Which command a clause asks for. Commands teach it: each command's name and aliases are cue
 * words, matched exactly, by stem, or within a typo or two (`trian`, `evalute`); the examples train a
 * naive Bayes classifier (natural) that decides clauses with no cue and says how sure it is.
 */

/** Cue phrases the field uses beyond what command files list; a project's own commands add theirs. */
const EXTRA_CUES: Record<string, string[]> = {
  ingest: ['ingest', 'load', 'import', 'read in', 'pull', 'fetch', 'download', 'bring in'],
  analyze: ['analyze', 'analyse', 'profile', 'explore', 'eda', 'describe', 'inspect', 'look at', 'look like', 'summarize the data', 'summarise the data', 'statistics', 'stats', 'distribution', 'distributions', 'imbalanced', 'class balance'],
  validate: ['validate', 'check', 'verify', 'sanity-check', 'sanity check', 'quality gate', 'quality gates', 'data quality', 'ensure', 'make sure', 'conforms', 'quality checks'],
  preprocess: ['preprocess', 'pre-process', 'clean', 'impute', 'imputing', 'normalize', 'normalise', 'scale', 'standardize', 'encode', 'one-hot', 'prepare', 'preprocessing', 'drop rows', 'remove incomplete', 'z-score', 'deduplicate'],
  features: ['features', 'feature', 'feature engineering', 'engineer features', 'featurize', 'create features', 'add features', 'feature selection', 'select features', 'polynomial', 'squared', 'feature crosses', 'interaction terms'],
  split: ['split', 'partition', 'hold out', 'holdout split', 'holdout set', 'train/test split', 'train-test split', 'train test split'],
  train: ['train', 'fit', 'retrain', 'build a model', 'build a classifier', 'learn', 'training', 'model development', 'baseline', 'baselines', 'build', 'a model', 'try'],
  tune: ['tune', 'optimize', 'optimise', 'hyperparameter', 'hyperparameters', 'hyper-parameter', 'hpo', 'search', 'sweep', 'bayesian optimization', 'bayesian optimisation', 'grid search', 'random search'],
  evaluate: ['evaluate', 'evaluation', 'eval', 'score', 'assess', 'measure', 'test the model', 'test it', 'validate the model', 'metrics on', 'how well', 'what recall', 'what accuracy', 'what precision', "what's the f1", "what's the accuracy", "what's the precision", "what's the recall", 'what is the accuracy', 'compute accuracy', 'compute'],
  compare: ['compare', 'comparison', 'benchmark', 'contrast', 'which is better', 'significance test', 'statistical test', 't-test', 'wilcoxon', 'mcnemar', 'significantly better', 'rank', 'versus', 'vs'],
  deploy: ['deploy', 'deployment', 'ship', 'release', 'publish', 'promote', 'roll out', 'rollout', 'push', 'serve', 'go live', 'put'],
  rollback: ['rollback', 'roll back', 'revert', 'restore', 'undo', 'go back', 'downgrade'],
  monitor: ['monitor', 'monitoring', 'watch', 'track', 'observe', 'drift detection', 'detect drift', 'check for drift', 'keep an eye', 'drift'],
  report: ['report', 'write up', 'write-up', 'write it all up', 'summarize the results', 'summarise the results', 'summary report', 'dashboard', 'document'],
  shell: ['run', 'execute', 'exec', 'invoke', 'call'],
};

/** Words that look like cues but mean something else in the field. */
const NOT_CUES = /\b(?:test set|test size|test split|% test|test data|paired|train set|training set|training data|train split|the train\b|feature columns?|retr(?:y|ies|ying|ied)|trials?|trails|batch(?:es)?|batch size|iterations?|try \d+ times|try (?:it )?(?:again|twice|once|three times))\b/g;

/** Ordinary words a typo check must not take for a cue (complete is not compute). */
const COMMON = new Set(['complete', 'compete', 'computer', 'template', 'pipeline', 'phases', 'phase', 'complexity', 'increase', 'simple', 'standard', 'automated', 'triggers', 'result', 'results', 'aggregation', 'review', 'repeat', 'reports', 'trains', 'tests', 'tried', 'track', 'trees', 'traffic', 'regression', 'scores', 'stores', 'shape', 'scale', 'stage', 'state', 'steps', 'split', 'split', 'valid', 'values', 'value', 'versions', 'version', 'deployed', 'model', 'models', 'monitored', 'other', 'after', 'better', 'faster', 'latest', 'feature', 'fixture']);

/** Verbs that mean little alone: another command named after them wins. */
const WEAK = /^(?:build|put|compute|a|check|run|make|prepare|try)$/;

interface Cue {
  command: string;
  phrase: string;
  words: string[];
  stem?: string;
}

export interface IntentModel {
  cues: Cue[];
  classifier: BayesClassifier;
  commands: string[];
}

export interface Intent {
  command: string;
  confidence: number;
  /** Where in the clause the cue starts (word index), for splitting "X and Y". */
  at: number;
  by: 'cue' | 'stem' | 'typo' | 'classifier';
}

/**
 * No English word is this long; a longer one (a hash, a run of digits) is not stemmed: the
 * stemmer's patterns take time quadratic in a word's length (2.5 s for 2,000 digits).
 */
const MAX_WORD = 40;

/** A token as natural's tokenizer cuts one (letters, digits, ' - /), longer than MAX_WORD. */
const LONG_WORD = /[\w'/-]{41,}/g;

const stems = new Map<string, string>();

/** Porter stems, cached: a request stems the same words once per clause and per cue. */
function stem(word: string): string {
  if (word.length > MAX_WORD) return word;
  let s = stems.get(word);
  if (s === undefined) {
    if (stems.size > 10_000) stems.clear();
    s = PorterStemmer.stem(word);
    stems.set(word, s);
  }
  return s;
}

export function trainingDocuments(commands: readonly CommandDef[]): { label: string; text: string }[] {
  const docs: { label: string; text: string }[] = [];
  for (const c of commands) {
    docs.push({ label: c.name, text: c.name });
    for (const a of c.aliases) docs.push({ label: c.name, text: a });
    for (const e of c.examples) docs.push({ label: c.name, text: e });
    for (const x of EXTRA_CUES[c.name] ?? []) docs.push({ label: c.name, text: x });
  }
  return docs;
}

export function trainClassifier(commands: readonly CommandDef[]): BayesClassifier {
  const classifier = new BayesClassifier(PorterStemmer);
  // A command file's 100,000-digit example would take the stemmer minutes (see MAX_WORD).
  for (const d of trainingDocuments(commands)) classifier.addDocument(d.text.replace(LONG_WORD, ' '), d.label);
  classifier.train();
  return classifier;
}

export function buildIntentModel(commands: readonly CommandDef[], classifier: BayesClassifier = trainClassifier(commands)): IntentModel {
  const cues: Cue[] = [];
  for (const c of commands) {
    const phrases = new Set([c.name, ...c.aliases, ...(EXTRA_CUES[c.name] ?? [])].map((p) => p.toLowerCase()));
    for (const phrase of phrases) {
      const w = words(phrase);
      if (w.length === 0) continue;
      const cue: Cue = { command: c.name, phrase, words: w };
      if (w.length === 1) cue.stem = stem(w[0] ?? '');
      cues.push(cue);
    }
  }
  // Longer phrases first, so "roll back" beats "roll" and "feature engineering" beats "features".
  cues.sort((a, b) => b.words.length - a.words.length);
  return { cues, classifier, commands: commands.map((c) => c.name) };
}

function typoDistance(word: string): number {
  return word.length >= 7 ? 2 : word.length >= 4 ? 1 : 0;
}

/** Lookups over a model's cues, in their order, so a clause costs a few map reads per word rather than a pass over every cue. */
interface CueIndex {
  byFirstWord: Map<string, Cue[]>;
  byStem: Map<string, Cue>;
  /** Words already checked for typos, and the cue each misspells (null: none). */
  typos: Map<string, Cue | null>;
}

const indexes = new WeakMap<IntentModel, CueIndex>();

function cueIndex(model: IntentModel): CueIndex {
  let index = indexes.get(model);
  if (!index) {
    index = { byFirstWord: new Map(), byStem: new Map(), typos: new Map() };
    for (const cue of model.cues) {
      const first = cue.words[0] ?? '';
      const list = index.byFirstWord.get(first);
      if (list) list.push(cue);
      else index.byFirstWord.set(first, [cue]);
      if (cue.stem !== undefined && !index.byStem.has(cue.stem)) index.byStem.set(cue.stem, cue);
    }
    indexes.set(model, index);
  }
  return index;
}

/** The cue a word misspells, if any; remembered, since splitting asks about the same words many times. */
function typoCue(w: string, model: IntentModel): Cue | undefined {
  if (typoDistance(w) === 0 || /\d/.test(w) || COMMON.has(w)) return undefined;
  const { typos } = cueIndex(model);
  const seen = typos.get(w);
  if (seen !== undefined) return seen ?? undefined;
  let best: { cue: Cue; d: number } | undefined;
  for (const cue of model.cues) {
    const target = cue.words[0] ?? '';
    if (cue.words.length > 1 || target.length < 4) continue;
    // The distance is at least the difference in length: a long word is no typo of a short cue.
    if (Math.abs(w.length - target.length) > typoDistance(w)) continue;
    const d = DamerauLevenshteinDistance(w, target, {});
    if (d <= typoDistance(w) && d <= typoDistance(target) && (!best || d < best.d)) best = { cue, d };
  }
  if (typos.size > 10_000) typos.clear();
  typos.set(w, best?.cue ?? null);
  return best?.cue;
}

/** Cue matches in a clause: each a command at a word position, exact, by stem, or by a small typo. */
export function cueMatches(clause: string, model: IntentModel): Intent[] {
  const ws = words(clause.replace(NOT_CUES, ' '));
  const index = cueIndex(model);
  const found: Intent[] = [];
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i] ?? '';
    if (w.startsWith('⟦')) continue;
    let match: Intent | undefined;
    const exact = index.byFirstWord.get(w)?.find((cue) => cue.words.every((cw, k) => ws[i + k] === cw));
    if (exact) match = { command: exact.command, confidence: 0.95, at: i, by: 'cue' };
    // "feature-engineer", "deployment-to-staging": the first part names the action.
    if (!match && w.includes('-')) {
      const head = w.split('-')[0] ?? '';
      const headStem = stem(head);
      const cue = model.cues.find((c) => c.words.length === 1 && (c.words[0] === head || (c.stem !== undefined && c.stem === headStem && head.length >= 4)));
      if (cue) match = { command: cue.command, confidence: 0.85, at: i, by: 'stem' };
    }
    if (!match) {
      const s = stem(w);
      const byStem = s.length >= 3 ? index.byStem.get(s) : undefined;
      if (byStem) match = { command: byStem.command, confidence: 0.85, at: i, by: 'stem' };
    }
    if (!match) {
      const cue = typoCue(w, model);
      if (cue) match = { command: cue.command, confidence: 0.7, at: i, by: 'typo' };
    }
    if (match) found.push(match);
  }
  return found;
}

/** The command a clause asks for: its first cue, or the classifier's choice when it is sure enough. */
export function detectIntent(clause: string, model: IntentModel): Intent | undefined {
  const cues = cueMatches(clause, model);
  // `run` names the shell command only when there is a command line to run.
  const usable = cues.filter((c) => c.command !== 'shell' || /⟦q\d+⟧/.test(clause));
  const first = usable[0];
  // "check staging for drift" is monitoring, not a data check.
  if (first && first.command === 'validate' && /\bdrift/.test(clause)) return { ...first, command: 'monitor' };
  // "build a report", "put together a comparison": a weak verb gives way to a stronger cue after it.
  if (first && WEAK.test(words(clause)[first.at] ?? '') && usable[1]) return usable[1];
  if (first) return first;
  if (findModels(clause.replace(/⟦[pq]\d+⟧/g, ' ')).length > 0) return { command: 'train', confidence: 0.6, at: 0, by: 'classifier' };
  if (/⟦q\d+⟧/.test(clause)) return { command: 'shell', confidence: 0.8, at: 0, by: 'cue' };
  // The classifier stems every word itself: over-long ones carry no meaning and would take seconds.
  const ranked = model.classifier.getClassifications(clause.replace(LONG_WORD, ' '));
  const total = ranked.reduce((sum, r) => sum + r.value, 0);
  const top = ranked[0];
  if (!top || total <= 0) return undefined;
  const share = top.value / total;
  const { byStem } = cueIndex(model);
  const known = words(clause).some((w) => byStem.has(stem(w)));
  if (share < 0.5 || !known) return undefined;
  return { command: top.label, confidence: Math.min(0.8, share), at: 0, by: 'classifier' };
}
