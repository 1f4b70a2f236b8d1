import { COMPARATORS, METRICS, NUMBER_WORDS } from './lexicon.js';

/**
 * Splits a prepared request into clauses and the relations between them: sequence (then, commas,
 * followed by), parallel groups (in parallel, both, at the same time), conditions (if, when, only
 * if, before or after the action), else branches (otherwise) and repeat-until. Pure: it only needs
 * to know whether a piece of text names an action (`hasAction`).
 */
export interface Condition {
  metric: string;
  op: string;
  value: number | boolean;
  /** "the best accuracy": read from a comparison rather than one model. */
  best: boolean;
  raw: string;
}

export interface Clause {
  text: string;
  /** Runs alongside the previous clause instead of after it. */
  parallel: boolean;
  condition?: Condition;
  /** Runs when the previous conditional clause's condition is false. */
  otherwise?: boolean;
  until?: Condition;
  maxIterations?: number;
}

const SEQUENCE = /,?\s*\b(?:and then|and afterwards|then|after that|afterwards|after which|followed by|once (?:that'?s|it'?s|this is|they'?re|that is|it is|done|finished)(?: (?:done|finished|complete))?|when (?:that'?s|it'?s|that is|it is) (?:done|finished)|next|finally|and finally|subsequently|and lastly|lastly)\b,?\s*/g;
const OTHERWISE = /,?\s*\b(?:otherwise|else|if not|or else)\b,?\s*/g;
const PARALLEL = /\b(?:in parallel|at the same time|simultaneously|concurrently|side by side|in tandem|alongside)\b/;
const CONDITION_START = /^(?:and\s+)?(?:only\s+)?(?:if|when|whenever|provided(?: that)?|in case)\b\s*/;
const MID_CONDITION = /\s+(?:but\s+)?(?:only\s+)?(?:if|when|provided(?: that)?)\s+(?=.*(?:[<>=]|\b(?:above|below|over|under|exceeds?|at least|at most|greater|less|more|higher|lower|drops?|detected|drifts?|reaches|beats?)\b))/;
const UNTIL = /\s*\b(?:until|till|until the|till the)\s+/;
const CAP = /(?:at most|up to|max(?:imum)?(?: of)?|no more than|give up after|stop after)\s+(\d+)\s*(?:times|iterations|rounds|tries|attempts|runs)/;

function numberOf(text: string): number | undefined {
  const t = text.trim();
  if (/^-?\d+(?:\.\d+)?%$/.test(t)) return Number(t.slice(0, -1)) / 100;
  if (/^-?\d*\.?\d+(?:e-?\d+)?$/.test(t)) return Number(t);
  return NUMBER_WORDS[t];
}

/**
 * Reads "accuracy is above 0.9", "the best f1 >= 85%", "drift is detected" from the start of a
 * text; returns the condition and what follows it.
 */
export function parseCondition(text: string, lastMetric?: string): { condition: Condition; rest: string } | undefined {
  // "if it's greater than 0.15": the metric the request just named.
  if (lastMetric !== undefined && /^(?:it|it's|it is|that|this)\b/.test(text)) return parseCondition(text.replace(/^(?:it's|it is|it|that|this)\b\s*(?:is\s+)?/, `${lastMetric} is `));
  const t = text.replace(/^(?:the|its|it'?s|our|model'?s?|validation|test|holdout|cv|mean|average)\s+/g, '').trim();
  const drift = /^(?:data\s+)?drift\s+(?:is\s+|gets\s+|was\s+)?(?:detected|found|present|appears)\b|^(?:there\s+is|there'?s)\s+drift\b|^(?:it|the data)\s+drifts\b/.exec(t);
  if (drift) return { condition: { metric: 'drift_detected', op: '==', value: true, best: false, raw: drift[0] }, rest: t.slice(drift[0].length).trim() };
  const m = /^(?:(?:the\s+)?(best|top|highest)\s+)?(?:(?:validation|test|holdout|cv|mean|average)\s+)?([a-z0-9_]+)(?:\s+score)?\s+/.exec(t);
  if (!m) return undefined;
  const metric = m[2] ?? '';
  if (!METRICS.includes(metric) && !/^(?:f1|auc|r2|roc_auc|accuracy|precision|recall)$/.test(metric)) return undefined;
  let rest = t.slice(m[0].length).replace(/^(?:is|are|gets|goes|stays|remains|was)\s+(?=(?:above|below|over|under|at|greater|less|more|higher|lower|better|worse|no|not|equal)\b)/, '');
  let op: string | undefined;
  for (const [re, symbol] of COMPARATORS) {
    const c = re.exec(rest);
    if (c) {
      op = symbol;
      rest = rest.slice(c[0].length).trim();
      break;
    }
  }
  if (!op) return undefined;
  const v = /^(?:than\s+|to\s+|of\s+)?(-?\d*\.?\d+%?|[a-z]+)\b%?/.exec(rest);
  const value = v ? numberOf(v[1] ?? '') : undefined;
  if (value === undefined || !v) return undefined;
  // "90" for a metric that lives in [0, 1] means 90%.
  const scaled = value > 1 && ['accuracy', 'f1', 'precision', 'recall', 'auc'].includes(metric) ? value / 100 : value;
  const raw = t.slice(0, t.length - rest.length + v[0].length);
  const named = metric === 'score' && m[1] !== undefined ? 'best_score' : metric;
  return { condition: { metric: named, op, value: scaled, best: m[1] !== undefined, raw }, rest: rest.slice(v[0].length).replace(/^%/, '').trim() };
}

function pieces(text: string, re: RegExp, marker: string): string[] {
  return text.replace(re, ` ${marker} `).split(marker).map((p) => p.trim());
}

/** Clauses of a request, in order, with how each relates to the one before. */
export function splitClauses(text: string, actionOf: (t: string) => string | undefined): Clause[] {
  const hasAction = (t: string) => actionOf(t) !== undefined;
  const out: Clause[] = [];
  const sentences = text.split(/[.;!?]+(?=\s|$)|\n/).map((s) => s.trim()).filter(Boolean);
  for (const sentence of sentences) {
    const otherwiseParts = pieces(sentence, OTHERWISE, '¦ELSE¦');
    otherwiseParts.forEach((part, partIndex) => {
      // Commas join or part pieces within one step of a sequence, never across a "then".
      const segments = pieces(part, SEQUENCE, '¦SEQ¦').flatMap((p) => commaMerge(p.split(/,\s*/), actionOf));
      let pendingCondition: Condition | undefined;
      segments.forEach((segment, segIndex) => {
        let s = segment.replace(/^and\s+/, '').trim();
        if (!s) return;
        let parallel = false;
        // "meanwhile evaluate it": alongside the clause before. "then in parallel X and Y": X and Y together.
        if (/^(?:meanwhile|in parallel|at the same time|simultaneously|concurrently)\b/.test(s) && out.length > 0 && !/\s(?:and|while|plus)\s/.test(s)) parallel = true;
        let condition: Condition | undefined;
        const start = CONDITION_START.exec(s);
        if (start) {
          const parsed = parseCondition(s.slice(start[0].length), lastMetric(out, segments.slice(0, segIndex)));
          if (parsed) {
            condition = parsed.condition;
            s = parsed.rest.replace(/^(?:then|,)\s*/, '').trim();
            if (!s || !hasAction(s)) {
              pendingCondition = condition;
              return;
            }
          }
        } else {
          const mid = MID_CONDITION.exec(s);
          const parsed = mid ? parseCondition(s.slice(mid.index + mid[0].length)) : undefined;
          if (mid && parsed && !parsed.rest && /\s(?:and|then)$|,$/.test(s.slice(0, mid.index)) && segIndex < segments.length - 1) {
            // "evaluate X and, if f1 is at most 0.6, retrain": the condition is for what follows.
            for (const action of splitActions(s.slice(0, mid.index).replace(/\s*,?\s*(?:and|then)?$/, '').trim(), actionOf)) out.push({ text: action.text, parallel: action.parallel || parallel });
            pendingCondition = parsed.condition;
            return;
          }
          if (mid && parsed) {
            const before = s.slice(0, mid.index).replace(/\s+(?:and|then)$/, '').trim();
            const after = parsed.rest.replace(/^(?:then|,)\s*/, '').trim();
            if (after && hasAction(after)) {
              // "monitor prod and if drift is detected retrain": the action before runs anyway.
              for (const action of splitActions(before, actionOf)) out.push({ text: action.text, parallel: action.parallel || parallel });
              s = after;
            } else {
              // "monitor prod daily and retrain if drift is detected": the condition is the last action's.
              const actions = splitActions(before, actionOf);
              for (const action of actions.slice(0, -1)) out.push({ text: action.text, parallel: action.parallel || parallel });
              s = actions[actions.length - 1]?.text ?? before;
            }
            condition = parsed.condition;
          }
        }
        condition ??= pendingCondition;
        pendingCondition = undefined;
        let until: Condition | undefined;
        let maxIterations: number | undefined;
        const u = UNTIL.exec(s);
        if (u) {
          const parsed = parseCondition(s.slice(u.index + u[0].length));
          if (parsed) {
            until = parsed.condition;
            const cap = /(?:at most|up to|max(?:imum)?(?: of)?|no more than|give up after|stop after)\s+(\d+)\s*(?:times|iterations|rounds|tries|attempts|runs)/.exec(parsed.rest);
            const anywhere = CAP.exec(text);
            if (cap) maxIterations = Number(cap[1]);
            else if (anywhere) maxIterations = Number(anywhere[1]);
            s = s.slice(0, u.index).trim();
          }
        }
        for (const [i, action] of splitActions(s, actionOf).entries()) {
          const clause: Clause = { text: action.text, parallel: i > 0 ? action.parallel : parallel };
          if (condition) clause.condition = condition;
          if (until) clause.until = until;
          if (maxIterations !== undefined) clause.maxIterations = maxIterations;
          if (partIndex > 0 && segIndex === 0 && i === 0) clause.otherwise = true;
          out.push(clause);
        }
      });
    });
  }
  return out;
}

/** The metric the request named last before a condition that says only "it". */
function lastMetric(clauses: readonly Clause[], segments: readonly string[]): string | undefined {
  const text = [...clauses.map((c) => c.text), ...segments].join(' ');
  let found: { at: number; metric: string } | undefined;
  for (const metric of METRICS) {
    const at = text.lastIndexOf(metric);
    if (at >= 0 && (!found || at > found.at)) found = { at, metric };
  }
  return found?.metric;
}

/** More of the same action with nothing new to act on ("drop rows with nulls and scale the columns"). */
function sameAction(previous: string | undefined, command: string, text: string): boolean {
  return previous !== undefined && previous === command && !/⟦[pq]\d+⟧/.test(text) && !/\b(?:it|them)\b/.test(text);
}

/** Pieces after a comma that name no action belong to the piece before ("rf, knn and svm"). */
function commaMerge(parts: string[], actionOf: (t: string) => string | undefined): string[] {
  const out: string[] = [];
  let lead = '';
  for (const p of parts) {
    if (!p) continue;
    const previous = out[out.length - 1];
    const isCondition = CONDITION_START.test(p);
    const command = actionOf(p);
    if (previous === undefined && command === undefined && !isCondition) {
      // "every 5 minutes, check production for drift": a leading phrase belongs to what follows.
      lead = `${lead}${p}, `;
      continue;
    }
    const merge = previous !== undefined && !isCondition && !CONDITION_START.test(previous) && (command === undefined || sameAction(actionOf(previous), command, p));
    if (merge) out[out.length - 1] = `${previous}, ${p}`;
    else out.push(lead + p);
    lead = '';
  }
  if (lead) out.push(lead.replace(/,\s*$/, ''));
  return out;
}

/**
 * Splits "train X and evaluate it" into two actions; "in parallel" or "both" makes the parts
 * parallel. A part without an action of its own ("and a random forest") stays with its verb.
 */
function splitActions(text: string, actionOf: (t: string) => string | undefined): { text: string; parallel: boolean }[] {
  const parallel = PARALLEL.test(text) || /\bboth\b/.test(text);
  const cleaned = text.replace(PARALLEL, ' ').replace(/\bboth\s+/, '').replace(/^(?:meanwhile|and)\s+/, '').replace(/\s+/g, ' ').trim();
  const parts = cleaned.split(/\s+(?:and|while|as well as|plus)\s+/);
  const out: { text: string; parallel: boolean; command?: string }[] = [];
  for (const p of parts) {
    const previous = out[out.length - 1];
    const command = actionOf(p);
    // No action of its own ("and a random forest"), or more of the same one with nothing new
    // ("drop rows with nulls and scale the columns"): it belongs to the part before.
    if (previous && previous.command === undefined) {
      // An action-less lead ("for each of a.csv") belongs to the action after it.
      previous.text = `${previous.text} and ${p}`;
      if (command !== undefined) previous.command = command;
      continue;
    }
    if (previous && (command === undefined || sameAction(previous.command, command, p))) previous.text = `${previous.text} and ${p}`;
    else out.push({ text: p, parallel: out.length > 0 && parallel, ...(command !== undefined ? { command } : {}) });
  }
  if (out.length === 1 && parallel && out[0]) out[0].text = `${out[0].text} ⟦parallel⟧`;
  return out;
}
