import { describe, expect, it } from 'vitest';
import type { RetryPolicy } from '../../src/core/plan.js';
import { retryDelay, shouldRetry } from '../../src/core/retry.js';

const exponential: RetryPolicy = { attempts: 6, backoff: 'exponential', initialMs: 1000, maxMs: 5000, jitter: false, on: ['transient', 'resource'] };
const fixed: RetryPolicy = { attempts: 3, backoff: 'fixed', initialMs: 2000, maxMs: 60_000, jitter: false, on: ['transient', 'resource'] };

describe('retryDelay', () => {
  it('doubles from the initial delay: 1s, 2s, 4s, then the cap', () => {
    expect([2, 3, 4, 5, 6].map((next) => retryDelay(exponential, next))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });

  it('waits the same time before every retry with fixed backoff', () => {
    expect([2, 3, 4].map((next) => retryDelay(fixed, next))).toEqual([2000, 2000, 2000]);
  });

  it('caps a fixed delay at the maximum too', () => {
    expect(retryDelay({ ...fixed, initialMs: 90_000 }, 2)).toBe(60_000);
  });

  it('never waits less than the initial delay for an odd attempt number', () => {
    expect(retryDelay(exponential, 1)).toBe(1000);
    expect(retryDelay(exponential, 0)).toBe(1000);
  });
});

describe('shouldRetry', () => {
  it('retries until the attempts, the first included, are used up', () => {
    expect([1, 2, 3, 4].map((attempt) => shouldRetry(fixed, attempt))).toEqual([true, true, false, false]);
  });

  it('never retries a single-attempt policy', () => {
    expect(shouldRetry({ ...fixed, attempts: 1 }, 1)).toBe(false);
  });
});
