import { describe, expect, it } from 'vitest';
import { jobIdFor, queueName, queuesServed, redactUrl } from '../../src/executors/queueProtocol.js';

describe('queue routing', () => {
  it('names one queue per capability and set of resource tags, in any order', () => {
    expect(queueName('training')).toBe('step+training');
    expect(queueName('training', ['gpu', 'big-mem', 'gpu'])).toBe('step+training+big-mem+gpu');
    expect(queueName('a:b', ['x%y'])).toBe('step+a%3Ab+x%25y'); // BullMQ refuses ':'
  });

  it('a worker consumes its capabilities with every subset of its tags, so a gpu box also takes plain steps', () => {
    expect(queuesServed(['training', 'shell'], ['gpu'])).toEqual(['step+training', 'step+training+gpu', 'step+shell', 'step+shell+gpu']);
    expect(queuesServed(['training'], ['gpu', 'tpu'])).toContain(queueName('training', ['tpu', 'gpu']));
    expect(queuesServed(['shell'], [])).not.toContain(queueName('shell', ['gpu']));
  });

  it('job ids are deterministic per attempt and never hold a colon', () => {
    expect(jobIdFor('ab12cd34', 'sweep[0]', 2)).toBe('ab12cd34.sweep[0].2');
    expect(jobIdFor('r', 'ns:step', 1)).not.toContain(':');
    expect(jobIdFor('r', 's', 1)).not.toBe(jobIdFor('r', 's', 2));
  });

  it('never prints a Redis password', () => {
    expect(redactUrl('redis://:hunter2@host:6379')).toBe('redis://:***@host:6379');
    expect(redactUrl('redis://host:6379')).toBe('redis://host:6379');
  });
});
