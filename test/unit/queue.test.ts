import { describe, expect, it } from 'vitest';
import { resolvePlan, type Catalog } from '../../src/core/planCheck.js';
import { createdEvent } from '../../src/core/events.js';
import { applyEvent, emptyRun } from '../../src/core/runState.js';
import { orderQueue } from '../../src/engine/queue.js';
import { agent, commandDef, step } from './helpers.js';

const catalog: Catalog = {
  commands: new Map(['fetch', 'flaky', 'steady', 'long'].map((name) => [name, commandDef({ name, capability: 'shell', estimateMs: name === 'long' ? 60_000 : 1000 })])),
  agents: [agent('shell', ['shell'], 4)],
  resources: {},
};

function ordered(failureRates: Map<string, number>, history = new Map<string, number>()): string[] {
  const plan = resolvePlan(
    { name: 'p', vars: {}, env: {}, resources: {}, params: {}, outputs: {}, steps: [step('a', { command: 'steady' }), step('b', { command: 'flaky' }), step('c', { command: 'long' }), step('d', { command: 'fetch' })] },
    catalog,
    'p.yaml',
  );
  const state = emptyRun('r');
  applyEvent(state, { ...createdEvent(plan), seq: 1, ts: 1 });
  return orderQueue(plan, state, new Map(plan.steps.map((s) => [s.id, s])), history, failureRates);
}

describe('the ready queue', () => {
  it('starts the longest remaining path first, then, among equals, the command likelier to fail, then plan order', () => {
    expect(ordered(new Map())).toEqual(['c', 'a', 'b', 'd']);
    expect(ordered(new Map([['flaky', 0.4], ['fetch', 0.1]]))).toEqual(['c', 'b', 'd', 'a']);
    // History beats the estimate: a command that has been slow runs first.
    expect(ordered(new Map([['flaky', 0.4]]), new Map([['fetch', 120_000]]))).toEqual(['d', 'c', 'b', 'a']);
  });
});
