/**
 * Single-quotes a value for POSIX sh: the shell sees exactly these bytes, whatever they are.
 * Newlines become `'"$nl"'` (the launcher defines nl) so one job stays one line on its stdin.
 */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`).replace(/\n/g, `'"$nl"'`)}'`;
}

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
