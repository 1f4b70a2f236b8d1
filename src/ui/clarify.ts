import type { PlanResult } from '../planner/planner.js';

/** What picking a suggestion does. */
export type Answer =
  | { kind: 'arg'; step: string; arg: string; value: string }
  | { kind: 'replace'; step: string; command: string; args: Record<string, unknown> }
  | { kind: 'accept' }
  | { kind: 'rephrase' }
  | { kind: 'request'; text: string };

export interface Question {
  text: string;
  picks: { label: string; answer: Answer }[];
  /** Set when the question asks for an argument's value: typed text answers it too. */
  arg?: { step: string; name: string };
}

const REPHRASE = /^no\b/i;

/** The planner's clarifications as questions the REPL can take a numbered pick (or a value) for. */
export function questionsOf(result: PlanResult): Question[] {
  return result.clarifications.map((c): Question => {
    if (c.arg !== undefined && c.step !== undefined) {
      const target = { step: c.step, name: c.arg };
      return { text: c.question, arg: target, picks: c.suggestions.map((s) => ({ label: s, answer: { kind: 'arg', step: target.step, arg: target.name, value: s } })) };
    }
    if (c.replace !== undefined && c.step !== undefined) {
      const swap: Answer = { kind: 'replace', step: c.step, ...c.replace };
      return { text: c.question, picks: c.suggestions.map((s, i) => ({ label: s, answer: i === 0 ? swap : { kind: 'accept' } })) };
    }
    if (result.steps.length === 0) return { text: c.question, picks: c.suggestions.map((s) => ({ label: s, answer: { kind: 'request', text: s } })) };
    return { text: c.question, picks: c.suggestions.map((s) => ({ label: s, answer: REPHRASE.test(s) ? { kind: 'rephrase' } : { kind: 'accept' } })) };
  });
}

/**
 * What a line typed at a question means: a number picks a suggestion; other text is the value of
 * an argument asked for, or else a new request. Undefined for a number out of range.
 */
export function answerFor(question: Question, typed: string): Answer | { kind: 'invalid'; message: string } {
  const text = typed.trim();
  if (/^\d+$/.test(text)) {
    const pick = question.picks[Number(text) - 1];
    return pick ? pick.answer : { kind: 'invalid', message: `pick 1 to ${question.picks.length}, or type ${question.arg ? `the ${question.arg.name}` : 'a new request'}` };
  }
  if (question.arg) return { kind: 'arg', step: question.arg.step, arg: question.arg.name, value: text };
  return { kind: 'request', text };
}

/** Whether the plan waits for this question (it changes the plan), rather than only for a yes. */
export function changesPlan(q: Question): boolean {
  return q.arg !== undefined || q.picks.some((p) => p.answer.kind === 'replace' || p.answer.kind === 'request');
}

/** The plan with an answer that changes it; the rest of the planner's questions stay. */
export function answered(result: PlanResult, a: Extract<Answer, { kind: 'arg' | 'replace' }>): PlanResult {
  if (a.kind === 'arg') return withArg(result, a.step, a.arg, a.value);
  return {
    ...result,
    steps: result.steps.map((s) => (s.id === a.step ? { ...s, command: a.command, args: { ...a.args } } : s)),
    clarifications: result.clarifications.filter((c) => !(c.step === a.step && c.replace !== undefined)),
  };
}

/** The plan with an argument answered; the rest of the planner's questions stay. */
export function withArg(result: PlanResult, step: string, arg: string, value: string): PlanResult {
  return {
    ...result,
    steps: result.steps.map((s) => (s.id === step ? { ...s, args: { ...s.args, [arg]: value } } : s)),
    clarifications: result.clarifications.filter((c) => !(c.step === step && c.arg === arg)),
  };
}
