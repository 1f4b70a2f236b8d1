import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baton, json, tempProject } from '../helpers/cli.js';

interface StepOut {
  id: string;
  status: string;
  attempts: number;
  outputs: Record<string, unknown>;
  error?: string;
  errorClass?: string;
  reason?: string;
  fallback?: string;
}
interface RunOut {
  run: string;
  status: string;
  reason?: string;
  steps: StepOut[];
}

function events(dir: string, run: string, type: string): Record<string, unknown>[] {
  const db = new Database(join(dir, '.baton/baton.db'), { readonly: true });
  try {
    return (db.prepare('select data from events where run_id = ? and type = ? order by seq').pluck().all(run, type) as string[]).map((d) => JSON.parse(d) as Record<string, unknown>);
  } finally {
    db.close();
  }
}

/** A step that fails (exit 1, printing `message`) until its attempt number reaches `succeedAt`. */
const flaky = (succeedAt: number, message = 'connection reset') =>
  `[sh, -c, 'if [ "$BATON_ATTEMPT" -lt ${succeedAt} ]; then echo "${message}" >&2; exit 1; fi; echo "attempt=$BATON_ATTEMPT" >> "$BATON_OUTPUT"']`;

describe('failure handling', () => {
  it('a step that fails twice then succeeds: attempts, delays and classes are recorded', () => {
    const dir = tempProject({
      'p.yaml': `steps:\n  - id: fetch\n    run: ${flaky(3, 'ECONNRESET by peer')}\n    retry: { attempts: 4, backoff: exponential, initial: 100ms, max: 1s }\n`,
    });
    const out = json<RunOut>(baton(dir, ['run', 'p.yaml', '--yes', '--json']));
    expect(out.status).toBe('succeeded');
    expect(out.steps[0]).toMatchObject({ status: 'succeeded', attempts: 3, outputs: { attempt: 3 } });
    const failed = events(dir, out.run, 'step.failed');
    expect(failed.map((e) => [e.attempt, e.errorClass, e.errorReason])).toEqual([
      [1, 'transient', 'network or service error'],
      [2, 'transient', 'network or service error'],
    ]);
    expect(events(dir, out.run, 'step.retrying').map((e) => e.delayMs)).toEqual([100, 200]);
  });

  it('a permanent failure is not retried, and says why', () => {
    const dir = tempProject({
      'p.yaml': `steps:\n  - id: load\n    run: [sh, -c, 'cat missing.csv']\n    retry: { attempts: 3, initial: 50ms }\n`,
    });
    const r = baton(dir, ['run', 'p.yaml', '--yes', '--json']);
    expect(r.code).toBe(1);
    const out = json<RunOut>(r);
    expect(out.steps[0]).toMatchObject({ status: 'failed', attempts: 1, errorClass: 'permanent', error: 'exit code 1' });
    expect(events(dir, out.run, 'step.retrying')).toEqual([]);
    const text = baton(dir, ['status', out.run]).stdout;
    expect(text).toContain('exit code 1 [permanent]');
  });

  it('rules from the config classify a failure; exit 137 counts as a resource failure and is retried', () => {
    const dir = tempProject({
      '.baton/config.yaml': 'errors:\n  - { class: permanent, exitCodes: [3], reason: quota exhausted }\n',
      'p.yaml': `steps:
  - id: quota
    run: [sh, -c, 'exit 3']
    retry: { attempts: 3, initial: 10ms }
    continueOnError: true
  - id: oom
    run: [sh, -c, 'if [ "$BATON_ATTEMPT" -lt 2 ]; then exit 137; fi']
    retry: { attempts: 2, initial: 10ms }
`,
    });
    const out = json<RunOut>(baton(dir, ['run', 'p.yaml', '--yes', '--json']));
    expect(out.steps[0]).toMatchObject({ id: 'quota', status: 'failed', attempts: 1, errorClass: 'permanent' });
    const failed = events(dir, out.run, 'step.failed');
    expect(failed.find((e) => e.step === 'quota')).toMatchObject({ errorReason: 'quota exhausted' });
    expect(out.steps[1]).toMatchObject({ id: 'oom', status: 'succeeded', attempts: 2 });
    expect(failed.find((e) => e.step === 'oom')).toMatchObject({ errorClass: 'resource' });
  });

  it('a fallback produces the outputs when the step fails for good, and downstream uses them', () => {
    const dir = tempProject({
      'p.yaml': `steps:
  - id: train
    run: [sh, -c, 'echo "model too large for this machine" >&2; exit 1']
    retry: { attempts: 2, initial: 10ms }
    fallback:
      run: [sh, -c, 'echo "model=simple" >> "$BATON_OUTPUT"; echo "accuracy=0.8" >> "$BATON_OUTPUT"']
  - id: report
    run: [sh, -c, 'echo "got=$1" >> "$BATON_OUTPUT"', sh, "\${{ steps.train.outputs.model }}"]
    needs: [train]
`,
    });
    const r = baton(dir, ['run', 'p.yaml', '--yes', '--json']);
    expect(r.code).toBe(0);
    const out = json<RunOut>(r);
    expect(out.status).toBe('succeeded');
    expect(out.steps[0]).toMatchObject({ id: 'train', status: 'succeeded', attempts: 3, fallback: 'succeeded', outputs: { model: 'simple', accuracy: 0.8 } });
    expect(out.steps[1]).toMatchObject({ id: 'report', outputs: { got: 'simple' } });
    expect(events(dir, out.run, 'step.started').map((e) => e.fallback ?? false)).toEqual([false, false, true, false]);
    const text = baton(dir, ['run', 'p.yaml', '--yes']).stdout;
    expect(text).toMatch(/train ↪ failed for good: falling back to run:sh/);
    expect(text).toMatch(/train ✔ \S+ \(by its fallback\)/);
  });

  it('continueOnError: the run goes on without the step and ends degraded, saying what is missing', () => {
    const dir = tempProject({
      'p.yaml': `steps:
  - id: core
    run: [sh, -c, 'echo "score=1" >> "$BATON_OUTPUT"']
  - id: extras
    run: [sh, -c, 'exit 1']
    continueOnError: true
  - id: chart
    run: ["true"]
    needs: [extras]
  - id: publish
    run: ["true"]
    needs: [core]
`,
    });
    const r = baton(dir, ['run', 'p.yaml', '--yes', '--json']);
    expect(r.code).toBe(0);
    const out = json<RunOut>(r);
    expect(out.status).toBe('degraded');
    expect(out.reason).toBe('extras failed (continueOnError); missing: chart');
    expect(out.steps.map((s) => [s.id, s.status])).toEqual([
      ['core', 'succeeded'],
      ['extras', 'failed'],
      ['chart', 'skipped'],
      ['publish', 'succeeded'],
    ]);
  });
});

describe('self-healing', () => {
  const FIT = `---
name: fit
description: Fit a model that runs out of memory above batch size 128
capability: training
args:
  batch_size: { type: integer, default: 512 }
outputs: [batch]
run: [sh, -c, 'if [ "$1" -gt 128 ]; then echo "RuntimeError: CUDA out of memory" >&2; exit 1; fi; echo "batch=$1" >> "$BATON_OUTPUT"', sh, "\${{ args.batch_size }}"]
---
Fits.
`;

  it('an out-of-memory failure is healed by halving batch_size, and the summary says so', () => {
    const dir = tempProject({ '.baton/commands/fit.md': FIT, 'p.yaml': 'steps:\n  - { id: train, command: fit, args: { batch_size: 256 } }\n' });
    const r = baton(dir, ['run', 'p.yaml', '--yes', '--json']);
    expect(r.code).toBe(0);
    const out = json<RunOut & { steps: { healed?: string[] }[] }>(r);
    expect(out.steps[0]).toMatchObject({ status: 'succeeded', attempts: 2, outputs: { batch: 128 }, healed: ['out of memory at batch_size 256: retrying at 128'] });
    expect(events(dir, out.run, 'step.failed')[0]).toMatchObject({ errorClass: 'resource', errorReason: 'out of memory' });
    const text = baton(dir, ['run', 'p.yaml', '--yes']).stdout;
    expect(text).toContain('train ✚ self-healing: out of memory at batch_size 256: retrying at 128');
  });

  it('heals at most healAttempts times, then the failure stands', () => {
    const dir = tempProject({ '.baton/commands/fit.md': FIT, '.baton/config.yaml': 'healAttempts: 1\n', 'p.yaml': 'steps:\n  - { id: train, command: fit }\n' });
    const out = json<RunOut & { steps: { healed?: string[] }[] }>(baton(dir, ['run', 'p.yaml', '--yes', '--json']));
    expect(out.steps[0]).toMatchObject({ status: 'failed', attempts: 2, healed: ['out of memory at batch_size 512: retrying at 256'] });
  });

  it('a missing Python package gets a suggestion, not a blind retry', () => {
    const dir = tempProject({ 'p.yaml': `steps:\n  - id: py\n    run: [sh, -c, 'echo "ModuleNotFoundError: No module named torchvision" >&2; exit 1']\n` });
    const out = json<RunOut & { steps: { suggestions?: string[] }[] }>(baton(dir, ['run', 'p.yaml', '--yes', '--json']));
    expect(out.steps[0]).toMatchObject({ status: 'failed', attempts: 1, errorClass: 'permanent', suggestions: ['install the missing Python package: pip install torchvision'] });
    expect(baton(dir, ['status', out.run]).stdout).toContain('pip install torchvision');
  });
});

describe('circuit breakers', () => {
  const CALL = `---
name: call
description: Call a flaky service
capability: data
args:
  ok: { type: boolean, default: false }
outputs: [answer]
run: [sh, -c, 'if [ "$1" = true ]; then echo "answer=42" >> "$BATON_OUTPUT"; else echo "503 Service Unavailable" >&2; exit 1; fi', sh, "\${{ args.ok }}"]
---
Calls.
`;

  it('opens after 3 failures in a row; the next step fails fast (or takes its fallback); a trial after the cool-down closes it', async () => {
    const dir = tempProject({
      '.baton/commands/call.md': CALL,
      '.baton/config.yaml': 'breaker: { failures: 3, cooldown: 1s }\n',
      'flaky.yaml': 'steps:\n  - { id: a, command: call, retry: { attempts: 3, initial: 10ms } }\n',
      'next.yaml': `steps:
  - { id: b, command: call, args: { ok: true } }
  - id: c
    command: call
    args: { ok: true }
    fallback: { run: [sh, -c, 'echo "answer=cached" >> "$BATON_OUTPUT"'] }
`,
      'ok.yaml': 'steps:\n  - { id: d, command: call, args: { ok: true } }\n',
    });
    const first = baton(dir, ['run', 'flaky.yaml', '--yes']);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/circuit command:call closed → open after 3 failures in a row/);

    const next = json<RunOut>(baton(dir, ['run', 'next.yaml', '--yes', '--json']));
    const b = next.steps.find((s) => s.id === 'b');
    expect(b).toMatchObject({ status: 'failed', attempts: 1, errorClass: 'transient' });
    expect(b?.error).toMatch(/^circuit open for command:call after 3 failures in a row; next trial in \ds$/);
    expect(next.steps.find((s) => s.id === 'c')).toMatchObject({ status: 'succeeded', fallback: 'succeeded', outputs: { answer: 'cached' } });
    // Failing fast ran nothing: no log was written for b.
    expect(baton(dir, ['logs', next.run, 'b']).code).toBe(2);

    const agents = json<{ agents: { name: string; breaker: { state: string } }[]; commands: { command: string; breaker: { state: string; failures: number } }[] }>(baton(dir, ['agents', '--json']));
    expect(agents.commands).toEqual([{ command: 'call', breaker: expect.objectContaining({ state: 'open', failures: 3 }) as unknown }]);
    expect(agents.agents.find((a) => a.name === 'data')?.breaker.state).toBe('open');

    await new Promise((r) => setTimeout(r, 1100));
    const trial = json<RunOut>(baton(dir, ['run', 'ok.yaml', '--yes', '--json']));
    expect(trial.steps[0]).toMatchObject({ status: 'succeeded', outputs: { answer: 42 } });
    const after = json<{ commands: { breaker: { state: string } }[] }>(baton(dir, ['agents', '--json']));
    expect(after.commands[0]?.breaker.state).toBe('closed');
  });
});
