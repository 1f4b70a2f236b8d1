/**
 * Errors a user can act on. Each carries a one-line message and a hint; the CLI prints both and
 * never a stack trace unless --debug. `exitCode` 2 means bad input, 1 a failed run.
 */
export class BatonError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, hint?: string, exitCode = 2) {
    super(oneLine(message));
    this.name = new.target.name;
    this.hint = hint === undefined ? undefined : oneLine(hint);
    this.exitCode = exitCode;
  }
}

/** A plan, command file or config file that does not validate. */
export class ValidationError extends BatonError {
  readonly issues: string[];

  constructor(message: string, issues: string[] = [], hint?: string) {
    super(message, hint);
    this.issues = issues.map((issue) => oneLine(issue));
  }
}

/** An expression that does not parse or cannot be evaluated. */
export class ExpressionError extends BatonError {}

/** The store cannot be opened or written (locked, corrupt, too new, read-only). */
export class StoreError extends BatonError {}

/** A run, step or file the user named does not exist. */
export class NotFoundError extends BatonError {}

export function isBatonError(e: unknown): e is BatonError {
  return e instanceof BatonError;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Longer than any message a person reads; a value from a hostile file can be a megabyte. */
const MAX_LINE = 1000;

/**
 * A message as one line of plain text: line breaks and other control characters (which could
 * move the cursor or recolour the terminal) written as escapes, and a megabyte-long value cut.
 */
export function oneLine(text: string, max = MAX_LINE): string {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? ' ' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  if (flat.length <= max) return flat;
  // Not between the two halves of a surrogate pair.
  const cut = /[\ud800-\udbff]/.test(flat.charAt(max - 1)) ? max - 1 : max;
  return `${flat.slice(0, cut)}…`;
}
