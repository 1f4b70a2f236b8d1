/** Exit codes of the step protocol: 2 means "fix the input", retrying will not help. */
export const EXIT_FAILURE = 1;
export const EXIT_BAD_INPUT = 2;

/** A failure the user must fix (missing file, bad argument); the engine does not retry it. */
export class BadInputError extends Error {
  readonly exitCode = EXIT_BAD_INPUT;
  constructor(message: string) {
    super(message);
    this.name = 'BadInputError';
  }
}

/** A failure that might pass on a retry, or that is ours to fix. */
export class StepFailedError extends Error {
  readonly exitCode = EXIT_FAILURE;
  constructor(message: string) {
    super(message);
    this.name = 'StepFailedError';
  }
}

export function messageOf(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  // One line on stderr: the engine shows the last line of the log as the failure reason.
  return text.split('\n')[0] ?? text;
}
