import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/core/events.js';
import type { RunState } from '../../src/core/runState.js';
import { SessionController, type RunWatcher } from '../../src/ui/controller.js';
import { tempProject } from '../helpers/cli.js';

/** A step that says it is waiting, then waits until the test creates `file` in the project folder. */
const waitFor = (file: string) => `[sh, -c, 'echo waiting; while [ ! -e "$BATON_PROJECT_DIR/${file}" ]; do sleep 0.05; done']`;

type Action = (e?: RunEvent, state?: RunState) => void;

/**
 * A watcher that acts, once, when an event happens (`"step.skipped report"`) or a step prints its
 * first line (`"output slow"`): the way a user presses a key in the live view, after the engine's
 * turn that recorded the event (never inside it). `inline` actions run at the event itself, for
 * the last event of a run, after which no turn is left.
 */
function script(actions: Record<string, Action>, inline: Record<string, Action> = {}): RunWatcher & { events: RunEvent[] } {
  const events: RunEvent[] = [];
  return {
    events,
    event(e, state) {
      events.push(e);
      const key = `${e.type} ${'step' in e ? e.step : ''}`.trim();
      inline[key]?.(e, state);
      once(key, e, state);
    },
    // A step's first line (`output slow`) says its process is under way, past its start.
    output: (step) => once(`output ${step}`),
  };
  function once(key: string, ...args: Parameters<Action>) {
    const action = actions[key];
    // Each action once: a step started again after a retry is not pressed on again.
    delete actions[key];
    if (action) setImmediate(() => action(...args));
  }
}

async function session(files: Record<string, string>): Promise<{ c: SessionController; release: (file: string) => void }> {
  const dir = tempProject(files);
  const c = await SessionController.open({ dir, json: false, yes: true, debug: false });
  return { c, release: (file) => writeFileSync(join(dir, file), '') };
}

function planOf(c: SessionController) {
  const plan = c.propose('p.yaml').plan;
  if (!plan) throw new Error('p.yaml did not plan');
  return plan;
}

const attempts = (state: RunState, id: string) => state.steps[id]?.attempts.map((a) => a.status);

describe('acting on one step of a run in progress', () => {
  it('cancels one running branch: its dependant is skipped, the other branch succeeds; resume runs both again', async () => {
    const { c, release } = await session({
      // The first attempt of `slow` waits for a minute; the one after the resume finishes at once.
      'p.yaml': `
steps:
  - id: slow
    run: [sh, -c, 'if [ "$BATON_ATTEMPT" -gt 1 ]; then exit 0; fi; echo waiting; sleep 60']
  - id: after_slow
    run: [sh, -c, 'echo "after=1" >> "$BATON_OUTPUT"']
    needs: [slow]
  - id: other
    run: ${waitFor('go-other')}
  - id: after_other
    run: [sh, -c, 'echo "after=1" >> "$BATON_OUTPUT"']
    needs: [other]
`,
    });
    try {
      const said: string[] = [];
      const watcher = script({
        'output slow': () => said.push(c.cancelStep('slow'), c.cancelStep('slow')),
        'step.cancelled slow': () => release('go-other'),
      });
      const { state } = await c.run(planOf(c), watcher);
      expect(said).toEqual(['cancelling slow (attempt 1)', 'already cancelling slow (attempt 1)']);
      expect(state.steps.slow).toMatchObject({ status: 'cancelled', reason: 'cancelled by the user' });
      expect(attempts(state, 'slow')).toEqual(['cancelled']);
      expect(state.steps.after_slow).toMatchObject({ status: 'skipped', reason: 'needs slow, which was cancelled' });
      expect(state.steps.other?.status).toBe('succeeded');
      expect(state.steps.after_other?.status).toBe('succeeded');
      // Not a failure: no failed attempt, no retry.
      expect(watcher.events.filter((e) => e.type === 'step.failed' || e.type === 'step.retrying')).toEqual([]);
      expect(state).toMatchObject({ status: 'cancelled', reason: 'slow cancelled; missing: after_slow' });

      const again = await c.resume(undefined, script({}));
      expect(again.state.status).toBe('succeeded');
      expect(attempts(again.state, 'slow')).toEqual(['cancelled', 'succeeded']);
      expect(again.state.steps.after_slow?.status).toBe('succeeded');
      expect(attempts(again.state, 'other')).toEqual(['succeeded']);
    } finally {
      await c.close();
    }
  });

  it('retries a step that failed for good while a slow branch keeps the run going: attempt 2, then its skipped dependant', async () => {
    const { c, release } = await session({
      'p.yaml': `
steps:
  - id: flaky
    run: [sh, -c, 'if [ ! -e "$BATON_PROJECT_DIR/flaky-ran" ]; then touch "$BATON_PROJECT_DIR/flaky-ran"; echo "not yet" >&2; exit 3; fi; echo "attempt=$BATON_ATTEMPT" >> "$BATON_OUTPUT"']
  - id: report
    run: [sh, -c, 'echo "seen=$1" >> "$BATON_OUTPUT"', sh, "\${{ steps.flaky.outputs.attempt }}"]
    needs: [flaky]
  - id: slow
    run: ${waitFor('go-slow')}
`,
    });
    try {
      const said: string[] = [];
      const watcher = script({
        'step.skipped report': () =>
          said.push(c.retryStep('flakey'), c.retryStep('slow'), c.retryStep('report'), c.cancelStep('flaky'), c.retryStep('flaky'), c.retryStep('flaky')),
        'step.succeeded report': () => release('go-slow'),
      });
      const { state } = await c.run(planOf(c), watcher);
      expect(said).toEqual([
        `run ${state.id} has no step "flakey" (did you mean "flaky"?)`,
        'slow is running (attempt 1): only a step that failed or was cancelled can be retried',
        'report was skipped (needs flaky, which failed): retry flaky, and report runs after it',
        'flaky has already ended (failed): nothing to cancel; retry it to run it again',
        'retrying flaky as attempt 2; then report',
        'flaky is running (attempt 2): only a step that failed or was cancelled can be retried',
      ]);
      expect(state.status).toBe('succeeded');
      expect(attempts(state, 'flaky')).toEqual(['failed', 'succeeded']);
      expect(state.steps.flaky?.outputs).toEqual({ attempt: 2 });
      expect(state.steps.report).toMatchObject({ status: 'succeeded', outputs: { seen: 2 } });
      const requeued = watcher.events.filter((e) => e.type === 'step.requeued');
      expect(requeued.map((e) => ('step' in e ? e.step : ''))).toEqual(['flaky', 'report']);
    } finally {
      await c.close();
    }
  });

  it('cancels a step that has not started, then retries it; refuses once the run has finished', async () => {
    const { c, release } = await session({
      'p.yaml': `
steps:
  - id: first
    run: ${waitFor('go-first')}
  - id: second
    run: [sh, -c, 'echo "ran=1" >> "$BATON_OUTPUT"']
    needs: [first]
`,
    });
    try {
      const said: string[] = [];
      const watcher = script(
        {
          'output first': () => {
            said.push(c.cancelStep('second'), c.cancelStep('second'), c.retryStep('second'));
            release('go-first');
          },
        },
        { 'run.finished': () => said.push(c.retryStep('second'), c.cancelStep('first')) },
      );
      const { state } = await c.run(planOf(c), watcher);
      expect(said).toEqual([
        'cancelled second (it had not started)',
        'second has already ended (cancelled): nothing to cancel',
        'retrying second as attempt 1',
        `run ${state.id} has finished: resume it to run second again`,
        `run ${state.id} has finished: nothing of it is left to cancel`,
      ]);
      expect(state.status).toBe('succeeded');
      expect(state.steps.second).toMatchObject({ status: 'succeeded', outputs: { ran: 1 } });
      expect(c.retryStep('second')).toBe('no run in progress');
      expect(c.cancelStep('second')).toBe('no run in progress');
    } finally {
      await c.close();
    }
  });

  it('cancels a step waiting for its retry: the wait is dropped and the run ends cancelled, not failed', async () => {
    const { c } = await session({
      'p.yaml': `
steps:
  - id: fetch
    run: [sh, -c, 'echo "ECONNRESET by peer" >&2; exit 1']
    retry: { attempts: 3, initial: 10m }
  - id: use
    run: [sh, -c, 'exit 0']
    needs: [fetch]
`,
    });
    try {
      const said: string[] = [];
      const watcher = script({ 'step.retrying fetch': () => said.push(c.cancelStep('fetch')) });
      const { state } = await c.run(planOf(c), watcher);
      expect(said).toEqual(['cancelled fetch (it was waiting to retry as attempt 2)']);
      expect(attempts(state, 'fetch')).toEqual(['failed']);
      expect(state.steps.fetch).toMatchObject({ status: 'cancelled', reason: 'cancelled by the user' });
      expect(state.steps.use).toMatchObject({ status: 'skipped', reason: 'needs fetch, which was cancelled' });
      expect(state).toMatchObject({ status: 'cancelled', reason: 'fetch cancelled; missing: use' });
    } finally {
      await c.close();
    }
  });

  it('a forEach step is cancelled and retried through its instances; a retried instance finishes its forEach step again', async () => {
    const { c, release } = await session({
      'p.yaml': `
steps:
  - id: sweep
    forEach: [a, b]
    run: [sh, -c, 'echo waiting; while [ ! -e "$BATON_PROJECT_DIR/go-$BATON_INDEX" ]; do sleep 0.05; done; echo "item=$BATON_ITEM" >> "$BATON_OUTPUT"']
  - id: after
    run: [sh, -c, 'echo "ran=1" >> "$BATON_OUTPUT"']
    needs: [sweep]
  - id: slow
    run: ${waitFor('go-slow')}
`,
    });
    try {
      const said: string[] = [];
      const watcher = script({
        'output sweep[1]': () => said.push(c.cancelStep('sweep'), c.cancelStep('sweep[1]')),
        'step.cancelled sweep[1]': () => release('go-0'),
        'step.skipped after': () => {
          release('go-1');
          said.push(c.retryStep('sweep'), c.retryStep('sweep[1]'));
        },
        'step.succeeded after': () => release('go-slow'),
      });
      const { state } = await c.run(planOf(c), watcher);
      expect(said).toEqual([
        'sweep is a forEach step: cancel its steps one at a time (sweep[0], sweep[1]), or cancel the whole run (Ctrl-C)',
        'cancelling sweep[1] (attempt 1)',
        'sweep is a forEach step: retry its steps one at a time (sweep[1])',
        'retrying sweep[1] as attempt 2; then after',
      ]);
      expect(state.status).toBe('succeeded');
      expect(attempts(state, 'sweep[1]')).toEqual(['cancelled', 'succeeded']);
      expect(state.steps.sweep).toMatchObject({ status: 'succeeded', outputs: { item: ['a', 'b'] } });
      expect(state.steps.after?.status).toBe('succeeded');
      const requeued = watcher.events.filter((e) => e.type === 'step.requeued');
      expect(requeued.map((e) => ('step' in e ? e.step : ''))).toEqual(['sweep[1]', 'sweep', 'after']);
    } finally {
      await c.close();
    }
  });

  it('a cancelled step of a nested workflow fails its uses step; retrying it runs the workflow to its end', async () => {
    const { c, release } = await session({
      '.baton/templates/pair.yaml': `
name: pair
steps:
  - id: a
    run: [sh, -c, 'if [ "$BATON_ATTEMPT" -gt 1 ]; then exit 0; fi; echo waiting; sleep 60']
  - id: b
    run: [sh, -c, 'echo "ran=1" >> "$BATON_OUTPUT"']
    needs: [a]
`,
      'p.yaml': `
steps:
  - id: wf
    uses: pair
  - id: after
    run: [sh, -c, 'echo "ran=1" >> "$BATON_OUTPUT"']
    needs: [wf]
  - id: slow
    run: ${waitFor('go-slow')}
`,
    });
    try {
      const said: string[] = [];
      let failure: string | undefined;
      const watcher = script({
        'output wf.a': () => said.push(c.cancelStep('wf'), c.cancelStep('wf.a')),
        'step.skipped after': (_e, state) => {
          failure = state?.steps.wf?.error;
          said.push(c.retryStep('wf.a'));
        },
        'step.succeeded after': () => release('go-slow'),
      });
      const { state } = await c.run(planOf(c), watcher);
      expect(said).toEqual([
        'wf runs a nested workflow: cancel its steps one at a time (wf.a, wf.b), or cancel the whole run (Ctrl-C)',
        'cancelling wf.a (attempt 1)',
        'retrying wf.a as attempt 2; then wf.b, after',
      ]);
      expect(failure).toBe('its workflow failed at wf.a (cancelled)');
      expect(state.status).toBe('succeeded');
      expect(attempts(state, 'wf.a')).toEqual(['cancelled', 'succeeded']);
      expect(state.steps.wf?.status).toBe('succeeded');
      expect(state.steps['wf.b']?.outputs).toEqual({ ran: 1 });
      expect(state.steps.after?.outputs).toEqual({ ran: 1 });
    } finally {
      await c.close();
    }
  });
});
