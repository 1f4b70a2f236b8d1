import { describe, expect, it } from 'vitest';
import type { EventBody, RunEvent } from '../../src/core/events.js';
import { countByStatus, effectiveStatus, emptyRun, foldEvents } from '../../src/core/runState.js';

/** Numbers events and stamps each one second after the last, starting at t=1000. */
function events(...bodies: EventBody[]): RunEvent[] {
  return bodies.map((body, i): RunEvent => ({ ...body, seq: i + 1, ts: 1000 * (i + 1) }));
}

const started = (step: string, attempt: number, agent = 'trainer'): EventBody => ({
  type: 'step.started',
  step,
  attempt,
  agent,
  workdir: `/w/${step}`,
  logPath: `/logs/${step}.${attempt}.log`,
});

const created: EventBody = {
  type: 'run.created',
  name: 'pipeline',
  steps: [
    { id: 'prep', command: 'ingest', needs: [] },
    { id: 'train', command: 'train', needs: ['prep'] },
    { id: 'deploy', command: 'deploy', needs: ['train'] },
    { id: 'report', needs: ['train'] },
  ],
};

const fullRun = events(
  created,
  { type: 'run.started', pid: 4242, host: 'box', parallel: 3 },
  started('prep', 1, 'data'),
  { type: 'step.spawned', step: 'prep', attempt: 1, pid: 5001 },
  { type: 'step.succeeded', step: 'prep', attempt: 1, outputs: { path: 'data/clean.csv', rows: 150 }, durationMs: 900 },
  started('train', 1),
  { type: 'step.progress', step: 'train', attempt: 1, current: 2, total: 5, message: 'fold 2' },
  { type: 'step.failed', step: 'train', attempt: 1, exitCode: 1, signal: null, error: 'exit code 1', durationMs: 1500 },
  { type: 'step.retrying', step: 'train', nextAttempt: 2, delayMs: 1000, retryAt: 10_000 },
  started('train', 2),
  { type: 'step.succeeded', step: 'train', attempt: 2, outputs: { accuracy: 0.8 }, durationMs: 2000 },
  { type: 'step.skipped', step: 'deploy', reason: 'condition steps.train.outputs.accuracy > 0.9 was false' },
  started('report', 1, 'shell'),
  { type: 'step.succeeded', step: 'report', attempt: 1, outputs: {}, durationMs: 100 },
  { type: 'run.finished', status: 'succeeded' },
);

describe('foldEvents', () => {
  const run = foldEvents('r1', fullRun);

  it('records the run as created, started and finished', () => {
    expect(run).toMatchObject({
      id: 'r1',
      name: 'pipeline',
      status: 'succeeded',
      createdAt: 1000,
      startedAt: 2000,
      finishedAt: 15_000,
      owner: { pid: 4242, host: 'box' },
      parallel: 3,
      order: ['prep', 'train', 'deploy', 'report'],
      lastSeq: 15,
    });
  });

  it('gives every step its final status', () => {
    expect(Object.fromEntries(run.order.map((id) => [id, run.steps[id]?.status]))).toEqual({
      prep: 'succeeded',
      train: 'succeeded',
      deploy: 'skipped',
      report: 'succeeded',
    });
  });

  it('keeps each step’s outputs, command and needs', () => {
    expect(run.steps.prep?.outputs).toEqual({ path: 'data/clean.csv', rows: 150 });
    expect(run.steps.train?.outputs).toEqual({ accuracy: 0.8 });
    expect(run.steps.train?.command).toBe('train');
    expect(run.steps.report?.command).toBeUndefined();
    expect(run.steps.deploy?.needs).toEqual(['train']);
  });

  it('keeps a failed attempt next to the retry that succeeded', () => {
    const train = run.steps.train;
    expect(train?.attempts).toEqual([
      { n: 1, status: 'failed', agent: 'trainer', workdir: '/w/train', logPath: '/logs/train.1.log', startedAt: 6000, finishedAt: 8000, exitCode: 1, error: 'exit code 1' },
      { n: 2, status: 'succeeded', agent: 'trainer', workdir: '/w/train', logPath: '/logs/train.2.log', startedAt: 10_000, finishedAt: 11_000, exitCode: 0 },
    ]);
    // The retry cleared the first attempt's error and progress from the step.
    expect(train?.error).toBeUndefined();
    expect(train?.progress).toBeUndefined();
    expect(train?.retryAt).toBeUndefined();
    expect(train).toMatchObject({ startedAt: 10_000, finishedAt: 11_000, durationMs: 2000 });
  });

  it('records the pid of a spawned attempt', () => {
    expect(run.steps.prep?.attempts[0]?.pid).toBe(5001);
  });

  it('records why a step was skipped', () => {
    expect(run.steps.deploy).toMatchObject({ status: 'skipped', reason: 'condition steps.train.outputs.accuracy > 0.9 was false', attempts: [] });
  });

  it('shows a step between attempts as retrying, with when it retries', () => {
    const mid = foldEvents('r1', fullRun.slice(0, 9));
    expect(mid.status).toBe('running');
    expect(mid.steps.train).toMatchObject({ status: 'retrying', retryAt: 10_000, error: 'exit code 1' });
    expect(mid.steps.train?.progress).toEqual({ current: 2, total: 5, message: 'fold 2' });
  });

  it('continues from an earlier fold, as resume does', () => {
    const first = foldEvents('r1', fullRun.slice(0, 7));
    expect(foldEvents('r1', fullRun.slice(7), first)).toEqual(run);
  });

  it('ignores events about steps the run does not have', () => {
    const r = foldEvents('r2', events(created, { type: 'step.skipped', step: 'ghost', reason: 'x' }));
    expect(Object.keys(r.steps)).toEqual(['prep', 'train', 'deploy', 'report']);
    expect(r.lastSeq).toBe(2);
  });

  it('starts empty', () => {
    expect(foldEvents('r3', [])).toEqual(emptyRun('r3'));
    expect(emptyRun('r3')).toMatchObject({ id: 'r3', status: 'pending', order: [], steps: {} });
  });

  it('marks interrupted and cancelled attempts, and a resumed run clears the finish', () => {
    const r = foldEvents(
      'r4',
      events(
        created,
        { type: 'run.started', pid: 1, host: 'a', parallel: 2 },
        started('prep', 1),
        { type: 'step.interrupted', step: 'prep', attempt: 1, reason: 'baton stopped' },
        { type: 'run.finished', status: 'interrupted', reason: 'crash' },
        { type: 'run.resumed', pid: 2, host: 'b', parallel: 4 },
        started('prep', 2),
        { type: 'step.cancelled', step: 'prep', attempt: 2, reason: 'user pressed ctrl-c' },
      ),
    );
    expect(r).toMatchObject({ status: 'running', startedAt: 2000, owner: { pid: 2, host: 'b' }, parallel: 4 });
    expect(r.finishedAt).toBeUndefined();
    expect(r.reason).toBeUndefined();
    expect(r.steps.prep?.status).toBe('cancelled');
    expect(r.steps.prep?.attempts.map((a) => [a.n, a.status, a.error])).toEqual([
      [1, 'interrupted', 'baton stopped'],
      [2, 'cancelled', 'user pressed ctrl-c'],
    ]);
  });

  it('makes a requeued step pending again, without its last error, keeping its attempts so the next is numbered after them', () => {
    const r = foldEvents(
      'r5',
      events(
        created,
        { type: 'run.started', pid: 1, host: 'a', parallel: 2 },
        started('prep', 1),
        { type: 'step.failed', step: 'prep', attempt: 1, exitCode: 3, signal: null, error: 'exit code 3', durationMs: 500, errorClass: 'permanent' },
        started('prep', 2),
        { type: 'step.failed', step: 'prep', attempt: 2, exitCode: 3, signal: null, error: 'exit code 3', durationMs: 500, errorClass: 'permanent' },
        { type: 'step.skipped', step: 'train', reason: 'needs prep, which failed' },
        { type: 'step.requeued', step: 'prep', reason: 'retried by the user' },
        { type: 'step.requeued', step: 'train', reason: 'waits again for prep' },
      ),
    );
    expect(r.steps.prep).toMatchObject({ status: 'pending', reason: 'retried by the user' });
    expect(r.steps.prep?.attempts.map((a) => [a.n, a.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
    ]);
    for (const gone of ['error', 'errorClass', 'finishedAt', 'durationMs'] as const) expect(r.steps.prep?.[gone]).toBeUndefined();
    expect(r.steps.train).toMatchObject({ status: 'pending', reason: 'waits again for prep', attempts: [] });
    expect(r.steps.train?.finishedAt).toBeUndefined();
    expect(countByStatus(r)).toMatchObject({ pending: 4, failed: 0, skipped: 0 });
  });

  it('keeps a requeued forEach step running: it runs again through its instances', () => {
    const r = foldEvents(
      'r6',
      events(
        created,
        { type: 'step.expanded', step: 'train', items: [1, 2] },
        { type: 'step.failed', step: 'train', attempt: 0, exitCode: null, signal: null, error: '1 of 2 instances failed: train[1]', durationMs: 10 },
        { type: 'step.requeued', step: 'train', reason: 'its step train[1] runs again' },
      ),
    );
    expect(r.steps.train).toMatchObject({ status: 'running', instances: ['train[0]', 'train[1]'] });
    expect(r.steps.train?.error).toBeUndefined();
  });
});

describe('effectiveStatus', () => {
  const running = foldEvents('r', fullRun.slice(0, 7));

  it('says interrupted for a running run whose owner is gone', () => {
    expect(effectiveStatus(running, () => false)).toBe('interrupted');
  });

  it('asks about the recorded owner', () => {
    const asked: [number, string][] = [];
    expect(
      effectiveStatus(running, (pid, host) => {
        asked.push([pid, host]);
        return true;
      }),
    ).toBe('running');
    expect(asked).toEqual([[4242, 'box']]);
  });

  it('keeps a finished run’s status whatever happened to its owner', () => {
    expect(effectiveStatus(foldEvents('r', fullRun), () => false)).toBe('succeeded');
  });
});

describe('countByStatus', () => {
  it('counts the steps in each status', () => {
    expect(countByStatus(foldEvents('r', fullRun))).toEqual({ pending: 0, running: 0, retrying: 0, succeeded: 3, failed: 0, skipped: 1, cancelled: 0, interrupted: 0 });
    expect(countByStatus(foldEvents('r', fullRun.slice(0, 9)))).toMatchObject({ succeeded: 1, retrying: 1, pending: 2 });
  });
});
