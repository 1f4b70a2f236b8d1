/**
 * What kind of failure an attempt was, which decides whether trying again can help:
 * transient (timeouts, network blips), resource (out of memory, disk full, a lock), permanent (bad
 * arguments, a missing file) or user (cancelled). Rules from config and command files come first;
 * the built-in rules below catch the common cases.
 */
export const ERROR_CLASSES = ['transient', 'resource', 'permanent', 'user'] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

export interface ErrorRule {
  class: ErrorClass;
  /** Exit codes this rule matches. */
  exitCodes?: number[];
  /** A regular expression (case-insensitive) matched against the end of the attempt's log. */
  pattern?: string;
  /** Shown with the failure, e.g. "out of memory". */
  reason?: string;
}

export interface FailureFacts {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  /** The last few kilobytes of the attempt's log. */
  logTail: string;
}

export interface Classification {
  class: ErrorClass;
  reason: string;
}

export const BUILTIN_RULES: readonly ErrorRule[] = [
  { class: 'resource', exitCodes: [137], reason: 'killed (exit 137), most often out of memory' },
  { class: 'resource', pattern: 'out of memory|cannot allocate memory|MemoryError|ENOMEM|\\bOOM\\b', reason: 'out of memory' },
  { class: 'resource', pattern: 'no space left on device|ENOSPC|disk quota exceeded', reason: 'no space left' },
  { class: 'resource', pattern: 'database is locked|lock (is )?unavailable|could not (acquire|obtain) (a |the )?lock', reason: 'lock unavailable' },
  { class: 'permanent', exitCodes: [2], reason: 'bad input (exit 2)' },
  { class: 'permanent', exitCodes: [126, 127], reason: 'the program could not be run' },
  { class: 'permanent', pattern: 'no such file or directory|FileNotFoundError|ModuleNotFoundError|ENOENT', reason: 'a file or module is missing' },
  { class: 'transient', pattern: 'ECONNRESET|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|temporarily unavailable|try again|\\b50[234]\\b', reason: 'network or service error' },
];

function matches(rule: ErrorRule, facts: FailureFacts): boolean {
  if (rule.exitCodes && (facts.exitCode === null || !rule.exitCodes.includes(facts.exitCode))) return false;
  if (rule.pattern !== undefined) {
    try {
      if (!new RegExp(rule.pattern, 'i').test(facts.logTail)) return false;
    } catch {
      return false;
    }
  }
  return rule.exitCodes !== undefined || rule.pattern !== undefined;
}

/** The first matching rule wins: the user's (command file, then config), then the built-in ones. */
export function classify(facts: FailureFacts, rules: readonly ErrorRule[] = []): Classification {
  if (facts.cancelled) return { class: 'user', reason: 'cancelled' };
  if (facts.timedOut) return { class: 'transient', reason: 'timed out' };
  for (const rule of [...rules, ...BUILTIN_RULES]) {
    if (matches(rule, facts)) return { class: rule.class, reason: rule.reason ?? (rule.pattern ? `log matches /${rule.pattern}/` : `exit code ${facts.exitCode}`) };
  }
  if (facts.exitCode === null && facts.signal === 'SIGKILL') return { class: 'resource', reason: 'killed by SIGKILL, most often out of memory' };
  return { class: 'transient', reason: facts.exitCode !== null ? `exit code ${facts.exitCode}` : `stopped by ${facts.signal ?? 'a signal'}` };
}
