/**
 * A circuit breaker per command and per agent: after `failures` infrastructure-like failures in a
 * row (transient or resource) it opens, and steps that would use it fail fast until `cooldownMs`
 * has passed; then one trial goes through, whose outcome closes or reopens it.
 */
export type BreakerPosition = 'closed' | 'open' | 'half-open';

export interface BreakerState {
  key: string;
  position: BreakerPosition;
  failures: number;
  openedAt?: number;
}

export interface BreakerSettings {
  /** Consecutive failures that open it; 0 turns breakers off. */
  failures: number;
  cooldownMs: number;
}

export type BreakerVerdict = { pass: true; trial: boolean } | { pass: false; retryInMs: number };

export function closedBreaker(key: string): BreakerState {
  return { key, position: 'closed', failures: 0 };
}

/** Whether a step may use what this breaker guards now, and whether it is the half-open trial. */
export function verdict(b: BreakerState, now: number, s: BreakerSettings): BreakerVerdict {
  if (s.failures === 0 || b.position === 'closed') return { pass: true, trial: false };
  const waited = now - (b.openedAt ?? now);
  if (b.position === 'open' && waited >= s.cooldownMs) return { pass: true, trial: true };
  // Open and cooling down, or half-open with its one trial already out.
  return { pass: false, retryInMs: Math.max(0, s.cooldownMs - waited) };
}

/** The breaker once its trial has been let through. */
export function startTrial(b: BreakerState): BreakerState {
  return { ...b, position: 'half-open' };
}

/** The breaker after an attempt that used it: `counts` says whether a failure is the kind that counts. */
export function afterOutcome(b: BreakerState, ok: boolean, counts: boolean, now: number, s: BreakerSettings): BreakerState {
  if (s.failures === 0) return b;
  if (ok) return closedBreaker(b.key);
  if (!counts) return b.position === 'half-open' ? { ...b, position: 'open', openedAt: now } : b;
  const failures = b.failures + 1;
  if (b.position === 'half-open' || failures >= s.failures) return { key: b.key, position: 'open', failures, openedAt: now };
  return { ...b, failures };
}
