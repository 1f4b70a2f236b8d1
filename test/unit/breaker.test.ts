import { describe, expect, it } from 'vitest';
import { afterOutcome, closedBreaker, startTrial, verdict } from '../../src/core/breaker.js';

const S = { failures: 3, cooldownMs: 1000 };

describe('circuit breaker', () => {
  it('opens after the set number of counted failures in a row, and a success resets the count', () => {
    let b = closedBreaker('command:train');
    b = afterOutcome(b, false, true, 0, S);
    b = afterOutcome(b, false, true, 0, S);
    expect(b).toMatchObject({ position: 'closed', failures: 2 });
    expect(afterOutcome(b, true, false, 0, S)).toEqual(closedBreaker('command:train'));
    b = afterOutcome(b, false, true, 500, S);
    expect(b).toEqual({ key: 'command:train', position: 'open', failures: 3, openedAt: 500 });
  });

  it('ignores failures that do not count (bad input says nothing about a service)', () => {
    const b = afterOutcome(closedBreaker('k'), false, false, 0, S);
    expect(b).toEqual(closedBreaker('k'));
  });

  it('fails fast while cooling down, lets one trial through after, and the trial decides', () => {
    const open = { key: 'k', position: 'open' as const, failures: 3, openedAt: 1000 };
    expect(verdict(open, 1500, S)).toEqual({ pass: false, retryInMs: 500 });
    expect(verdict(open, 2000, S)).toEqual({ pass: true, trial: true });
    const trial = startTrial(open);
    expect(verdict(trial, 2100, S).pass).toBe(false);
    expect(afterOutcome(trial, true, false, 2200, S).position).toBe('closed');
    expect(afterOutcome(trial, false, true, 2200, S)).toMatchObject({ position: 'open', openedAt: 2200 });
    // A trial that fails for a reason that does not count still reopens: it proved nothing.
    expect(afterOutcome(trial, false, false, 2200, S).position).toBe('open');
  });

  it('is off when failures is 0', () => {
    const off = { failures: 0, cooldownMs: 1000 };
    const b = afterOutcome(closedBreaker('k'), false, true, 0, off);
    expect(verdict(b, 0, off)).toEqual({ pass: true, trial: false });
  });
});
