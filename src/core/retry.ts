import type { ErrorClass } from './failure.js';
import type { RetryPolicy } from './plan.js';

/**
 * Delay before attempt `next` (2 = the first retry). Exponential doubles from `initialMs`, capped at
 * `maxMs`; with jitter the delay is drawn uniformly from [0, that] ("full jitter"), so many steps
 * failing together do not retry together.
 */
export function retryDelay(policy: RetryPolicy, next: number, random: () => number = Math.random): number {
  const base = policy.backoff === 'fixed' ? policy.initialMs : policy.initialMs * 2 ** Math.max(0, next - 2);
  const capped = Math.min(base, policy.maxMs);
  return policy.jitter ? Math.floor(random() * capped) : capped;
}

/** Whether attempt number `used` (counted from the policy's start) may be followed by another for this class of failure. */
export function shouldRetry(policy: RetryPolicy, used: number, errorClass?: ErrorClass): boolean {
  if (errorClass !== undefined && !policy.on.includes(errorClass)) return false;
  return used < policy.attempts;
}
