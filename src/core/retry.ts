import type { RetryPolicy } from './plan.js';

/** Delay before attempt `next` (2 = the first retry). Exponential doubles from `initialMs`, capped at `maxMs`. */
export function retryDelay(policy: RetryPolicy, next: number): number {
  const base = policy.backoff === 'fixed' ? policy.initialMs : policy.initialMs * 2 ** Math.max(0, next - 2);
  return Math.min(base, policy.maxMs);
}

export function shouldRetry(policy: RetryPolicy, attempt: number): boolean {
  return attempt < policy.attempts;
}
