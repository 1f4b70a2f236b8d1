import { describe, expect, it } from 'vitest';
import { Slots } from '../../src/core/slots.js';
import { agent } from './helpers.js';

const training = (extra: { agent?: string; preferred?: string; resources?: string[] } = {}) => ({ capability: 'training', resources: [], ...extra });

describe('Slots', () => {
  it('gives an agent with the capability, and nothing when none has it', () => {
    const slots = new Slots([agent('data', ['data'], 2), agent('trainer', ['training'], 1)], {});
    expect(slots.acquire(training())).toBe('trainer');
    expect(new Slots([agent('data', ['data'])], {}).acquire(training())).toBeUndefined();
  });

  it('holds a step back when the agent is at its concurrency, until a slot is released', () => {
    const slots = new Slots([agent('trainer', ['training'], 2)], {});
    expect(slots.acquire(training())).toBe('trainer');
    expect(slots.acquire(training())).toBe('trainer');
    expect(slots.load('trainer')).toBe(2);
    expect(slots.acquire(training())).toBeUndefined();
    slots.release('trainer', []);
    expect(slots.load('trainer')).toBe(1);
    expect(slots.acquire(training())).toBe('trainer');
  });

  it('spreads work to the least-loaded agent sharing a capability', () => {
    const slots = new Slots([agent('a', ['training'], 2), agent('b', ['training'], 2)], {});
    expect([1, 2, 3, 4].map(() => slots.acquire(training()))).toEqual(['a', 'b', 'a', 'b']);
    expect(slots.acquire(training())).toBeUndefined();
  });

  it('measures load relative to each agent’s concurrency', () => {
    const slots = new Slots([agent('small', ['training'], 1), agent('big', ['training'], 4)], {});
    // small is full after one; big takes the rest.
    expect([1, 2, 3].map(() => slots.acquire(training()))).toEqual(['small', 'big', 'big']);
  });

  it('uses the preferred agent while it has room, then falls back', () => {
    const slots = new Slots([agent('a', ['training'], 1), agent('b', ['training'], 1)], {});
    expect(slots.acquire(training({ preferred: 'b' }))).toBe('b');
    expect(slots.acquire(training({ preferred: 'b' }))).toBe('a');
  });

  it('only uses the agent a step names', () => {
    const slots = new Slots([agent('a', ['training'], 1), agent('b', ['training'], 1)], {});
    expect(slots.acquire(training({ agent: 'b' }))).toBe('b');
    expect(slots.acquire(training({ agent: 'b' }))).toBeUndefined();
    expect(slots.load('a')).toBe(0);
  });

  it('lets only one step hold an exclusive resource until it is released', () => {
    const slots = new Slots([agent('trainer', ['training'], 4)], { gpu: 1 });
    expect(slots.acquire(training({ resources: ['gpu'] }))).toBe('trainer');
    expect(slots.acquire(training({ resources: ['gpu'] }))).toBeUndefined();
    // The waiting step took no agent slot, and steps without the resource still run.
    expect(slots.load('trainer')).toBe(1);
    expect(slots.acquire(training())).toBe('trainer');
    slots.release('trainer', ['gpu']);
    expect(slots.acquire(training({ resources: ['gpu'] }))).toBe('trainer');
  });

  it('counts resource tokens when there are several', () => {
    const slots = new Slots([agent('trainer', ['training'], 4)], { gpu: 2, tpu: 1 });
    expect(slots.acquire(training({ resources: ['gpu'] }))).toBe('trainer');
    expect(slots.acquire(training({ resources: ['gpu', 'tpu'] }))).toBe('trainer');
    expect(slots.acquire(training({ resources: ['gpu'] }))).toBeUndefined();
    expect(slots.acquire(training({ resources: ['tpu'] }))).toBeUndefined();
  });

  it('takes no resource when no agent is free', () => {
    const slots = new Slots([agent('trainer', ['training'], 1)], { gpu: 1 });
    expect(slots.acquire(training())).toBe('trainer');
    expect(slots.acquire(training({ resources: ['gpu'] }))).toBeUndefined();
    slots.release('trainer', []);
    expect(slots.acquire(training({ resources: ['gpu'] }))).toBe('trainer');
  });

  it('never lets a release push the load below zero', () => {
    const slots = new Slots([agent('trainer', ['training'], 1)], { gpu: 1 });
    slots.release('trainer', ['gpu']);
    expect(slots.load('trainer')).toBe(0);
    expect(slots.acquire(training({ resources: ['gpu'] }))).toBe('trainer');
    expect(slots.acquire(training({ resources: ['gpu'] }))).toBeUndefined();
  });
});
