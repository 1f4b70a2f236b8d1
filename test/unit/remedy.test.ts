import { describe, expect, it } from 'vitest';
import { BUILTIN_REMEDIES, chooseRemedy } from '../../src/core/remedy.js';

const oom = { class: 'resource' as const, timedOut: false, exitCode: 1, logTail: 'RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB' };

describe('self-healing remedies', () => {
  it('halves the first numeric argument the step has', () => {
    expect(chooseRemedy(BUILTIN_REMEDIES, oom, { model: 'x', batch_size: 256 }, undefined)).toEqual({
      kind: 'retry',
      remedy: 'out of memory',
      description: 'out of memory at batch_size 256: retrying at 128',
      args: { batch_size: 128 },
    });
    expect(chooseRemedy(BUILTIN_REMEDIES, oom, { workers: 3 }, undefined)).toMatchObject({ args: { workers: 1 } });
  });

  it('passes over a remedy it cannot apply (nothing left to halve)', () => {
    expect(chooseRemedy(BUILTIN_REMEDIES, oom, { batch_size: 1 }, undefined)).toBeUndefined();
  });

  it('doubles the timeout of a step that timed out', () => {
    const timeout = { class: 'transient' as const, timedOut: true, exitCode: null, logTail: '' };
    expect(chooseRemedy(BUILTIN_REMEDIES, timeout, {}, 30_000)).toMatchObject({ kind: 'retry', timeoutMs: 60_000, description: 'timeout after 30.0s: retrying with 1m00s' });
  });

  it('suggests a fix it cannot make, naming what is missing', () => {
    const missing = { class: 'permanent' as const, timedOut: false, exitCode: 1, logTail: "ModuleNotFoundError: No module named 'xgboost'" };
    expect(chooseRemedy(BUILTIN_REMEDIES, missing, {}, undefined)).toEqual({ kind: 'suggest', remedy: 'missing python package', description: 'install the missing Python package: pip install xgboost' });
  });

  it('a project remedy comes before the built-in ones', () => {
    const own = [{ name: 'smaller model', class: 'resource' as const, halve: ['hidden_units'] }];
    expect(chooseRemedy([...own, ...BUILTIN_REMEDIES], oom, { hidden_units: 512, batch_size: 64 }, undefined)).toMatchObject({ remedy: 'smaller model', args: { hidden_units: 256 } });
  });
});
