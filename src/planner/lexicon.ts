/**
 * The field's vocabulary that no command file can teach: model names and their spellings,
 * comparators, metrics, environments and time units. Commands teach verbs (aliases, examples);
 * this teaches nouns.
 */
export const MODELS: [RegExp, string][] = [
  [/\b(?:random[- ]?forests?|rf)\b/, 'random-forest'],
  [/\b(?:logistic[- ]?regressions?|log(?:istic)?[- ]?reg|logit)\b/, 'logistic-regression'],
  [/\b(?:deci(?:si|s)on[- ]?trees?|cart)\b/, 'decision-tree'],
  [/\b(?:gradient[- ]?boost(?:ing|ed(?: trees?)?)?(?: machines?)?|gbm|gbdt)\b/, 'gradient-boosting'],
  [/\b(?:k[- ]?nn|k[- ]?nearest[- ]?neighbou?rs?|nearest[- ]?neighbou?rs?)\b/, 'knn'],
  [/\b(?:svms?|support[- ]?vector(?: machines?| classifiers?)?)\b/, 'svm'],
  [/\b(?:naive[- ]?bayes|nb)\b/, 'naive-bayes'],
  [/\b(?:mlp|neural[- ]?net(?:work)?s?|multi[- ]?layer perceptrons?)\b/, 'mlp'],
  [/\b(?:linear[- ]?regressions?)\b/, 'linear-regression'],
];

/** Names of models Baton does not know, kept as written so the step can say so. */
export const EXTERNAL_MODELS = /\b(xgboost|lightgbm|catboost|yolov\d+\w*|yolo|bert|roberta|distilbert|gpt-?\d*|resnet\d*|efficientnet\w*|vit|unet|lstm|cnn|rnn|transformer|prophet|arima)\b/;

export const METRICS = ['accuracy', 'f1', 'precision', 'recall', 'auc', 'rmse', 'r2', 'loss', 'drift', 'score', 'mae', 'mse'];

export const COMPARATORS: [RegExp, string][] = [
  [/^(?:>=|is at least|at least|no less than|not below|reaches|hits)\b|^>=/, '>='],
  [/^(?:<=|is at most|at most|no more than|not above)\b|^<=/, '<='],
  [/^(?:>|is above|above|is over|over|exceeds?|is greater than|greater than|is higher than|higher than|is more than|more than|beats?|tops?|goes above|rises above|is better than|better than)\b|^>/, '>'],
  [/^(?:<|is below|below|is under|under|drops? (?:under|below)|falls? (?:under|below)|is less than|less than|is lower than|lower than|goes below|is worse than|worse than)\b|^</, '<'],
  [/^(?:==|=|is|equals|is equal to)\b/, '=='],
];

export const ENVIRONMENTS: [RegExp, string][] = [
  [/\b(?:production|prod|live|prodution|producton|prodcution|porduction)\b/, 'production'],
  [/\b(?:staging|stage|pre-?prod|stagin|stagging)\b/, 'staging'],
];

export const TIME_UNITS: Record<string, string> = {
  s: 's', sec: 's', secs: 's', second: 's', seconds: 's',
  m: 'm', min: 'm', mins: 'm', minute: 'm', minutes: 'm',
  h: 'h', hr: 'h', hrs: 'h', hour: 'h', hours: 'h',
  d: 'd', day: 'd', days: 'd', week: 'd',
};

/** The sample datasets the agents ship (src/agents/lib/samples.ts), usable by name anywhere a dataset is. */
export const SAMPLE_DATASETS = ['iris', 'penguins', 'churn', 'tabular', 'shapes', 'drift-reference', 'drift-current'];

export const NUMBER_WORDS: Record<string, number> = { once: 1, twice: 2, thrice: 3, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, twenty: 20, fifty: 50, hundred: 100 };

/** Finds the models a text names, in the order it names them. */
export function findModels(text: string): string[] {
  const found: { at: number; name: string }[] = [];
  for (const [re, name] of MODELS) {
    const g = new RegExp(re.source, 'g');
    for (const m of text.matchAll(g)) found.push({ at: m.index, name });
  }
  for (const m of text.matchAll(new RegExp(EXTERNAL_MODELS.source, 'g'))) found.push({ at: m.index, name: m[1] ?? m[0] });
  found.sort((a, b) => a.at - b.at);
  const out: string[] = [];
  for (const f of found) if (!out.includes(f.name)) out.push(f.name);
  return out;
}
