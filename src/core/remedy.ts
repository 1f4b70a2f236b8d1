import { formatDuration, MAX_DURATION_MS } from './duration.js';
import type { ErrorClass } from './failure.js';

/**
 * Self-healing: what to change before trying a failed step again. A remedy matches a failure by
 * class, by a pattern in its log, or by its timing out, and either changes the next attempt
 * (halve a numeric argument, stretch the timeout) or only suggests a fix.
 */
export interface Remedy {
  name: string;
  class?: ErrorClass;
  pattern?: string;
  timedOut?: boolean;
  /** Numeric arguments to halve, the first one the step has (e.g. batch_size). */
  halve?: string[];
  /** Multiply the step's timeout by this. */
  timeoutFactor?: number;
  /** Shown with the failure; `$1` is the pattern's first group. */
  suggest?: string;
}

export const BUILTIN_REMEDIES: readonly Remedy[] = [
  { name: 'out of memory', class: 'resource', pattern: 'out of memory|cannot allocate memory|MemoryError|ENOMEM|\\bOOM\\b|exit 137', halve: ['batch_size', 'batch', 'workers', 'n_jobs'] },
  { name: 'timeout', timedOut: true, timeoutFactor: 2 },
  { name: 'missing python package', pattern: "No module named '?([\\w.]+)'?", suggest: 'install the missing Python package: pip install $1' },
  { name: 'missing program', pattern: '(?:command not found: |sh: \\d+: )([\\w.-]+)(?:: not found)?', suggest: 'install $1 or add it to PATH (envAllow keeps PATH for steps)' },
];

export interface FailureView {
  class: ErrorClass;
  timedOut: boolean;
  exitCode: number | null;
  logTail: string;
}

export type RemedyAction =
  | { kind: 'retry'; remedy: string; description: string; args?: Record<string, number>; timeoutMs?: number }
  | { kind: 'suggest'; remedy: string; description: string };

function test(remedy: Remedy, failure: FailureView): RegExpExecArray | true | undefined {
  if (remedy.class !== undefined && remedy.class !== failure.class) return undefined;
  if (remedy.timedOut !== undefined && remedy.timedOut !== failure.timedOut) return undefined;
  if (remedy.pattern === undefined) return true;
  let re: RegExp;
  try {
    re = new RegExp(remedy.pattern, 'i');
  } catch {
    return undefined;
  }
  const text = `${failure.logTail}\n${failure.exitCode !== null ? `exit ${failure.exitCode}` : ''}`;
  return re.exec(text) ?? undefined;
}

/**
 * The first remedy that applies: one that changes the next attempt wins over a suggestion, and a
 * remedy whose change is impossible (no such argument, nothing left to halve) is passed over.
 */
export function chooseRemedy(
  remedies: readonly Remedy[],
  failure: FailureView,
  args: Record<string, unknown>,
  timeoutMs: number | undefined,
): RemedyAction | undefined {
  let suggestion: RemedyAction | undefined;
  for (const remedy of remedies) {
    const match = test(remedy, failure);
    if (!match) continue;
    if (remedy.halve) {
      const name = remedy.halve.find((n) => typeof args[n] === 'number' && (args[n]) > 1);
      if (name !== undefined) {
        const from = args[name] as number;
        const to = Math.max(1, Math.floor(from / 2));
        return { kind: 'retry', remedy: remedy.name, description: `${remedy.name} at ${name} ${from}: retrying at ${to}`, args: { [name]: to } };
      }
    }
    if (remedy.timeoutFactor !== undefined && timeoutMs !== undefined) {
      // Never past what a timer can wait: a longer timeout would fire at once.
      const next = Math.min(MAX_DURATION_MS, Math.round(timeoutMs * remedy.timeoutFactor));
      return { kind: 'retry', remedy: remedy.name, description: `${remedy.name} after ${formatDuration(timeoutMs)}: retrying with ${formatDuration(next)}`, timeoutMs: next };
    }
    if (remedy.suggest !== undefined && !suggestion) {
      const group = match === true ? '' : (match[1] ?? '');
      suggestion = { kind: 'suggest', remedy: remedy.name, description: remedy.suggest.replace(/\$1/g, group) };
    }
  }
  return suggestion;
}
