/**
 * Errors a user can act on. Each carries a one-line message and a hint; the CLI prints both and
 * never a stack trace unless --debug. `exitCode` 2 means bad input, 1 a failed run.
 */
export class BatonError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, hint?: string, exitCode = 2) {
    super(message);
    this.name = new.target.name;
    this.hint = hint;
    this.exitCode = exitCode;
  }
}

/** A plan, command file or config file that does not validate. */
export class ValidationError extends BatonError {
  readonly issues: string[];

  constructor(message: string, issues: string[] = [], hint?: string) {
    super(message, hint);
    this.issues = issues;
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
