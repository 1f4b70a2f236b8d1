import { useRef, useState } from 'react';
import { errorMessage, isBatonError } from '../core/errors.js';
import type { Proposal, RunWatcher, SessionController } from './controller.js';
import { frameBatcher } from './live/frames.js';
import type { LiveState } from './live/liveState.js';
import type { Item } from './Transcript.js';

export type Runnable = Proposal & Required<Pick<Proposal, 'plan'>>;
type Work = { kind: 'run'; proposal: Runnable } | { kind: 'resume'; run?: string } | { kind: 'rollback'; run?: string; to?: string };

export const describeError = (e: unknown): string => (isBatonError(e) ? `${e.message}${e.hint ? `\n  ${e.hint}` : ''}` : errorMessage(e));

/**
 * The run the REPL is showing, and the plans queued after it. The controller does the work; this
 * only turns its events into frames and its results into transcript items, one run at a time.
 */
export function useRunner(controller: SessionController, say: (kind: Item['kind'], text: string) => void) {
  const [live, setLive] = useState<LiveState | undefined>();
  const [busy, setBusy] = useState(false);
  const [queued, setQueued] = useState<Runnable[]>([]);
  const queue = useRef<Runnable[]>([]);
  const active = useRef(false);

  const setQueue = (next: Runnable[]) => {
    queue.current = next;
    setQueued(next);
  };

  const perform = (work: Work) => {
    active.current = true;
    setBusy(true);
    const frames = frameBatcher(setLive);
    const watch: RunWatcher = { event: (e, run) => frames.event(e, run), output: (step, line) => frames.output(step, line) };
    const done =
      work.kind === 'run'
        ? controller.run(work.proposal.plan, watch).then((r) => r.summary)
        : work.kind === 'resume'
          ? controller.resume(work.run, watch).then((r) => r.summary)
          : controller.rollback(work.run, work.to, watch);
    const settle = (kind: Item['kind'], text: string) => {
      frames.stop();
      setLive(undefined);
      say(kind, text);
      if (kind === 'summary') void controller.record('baton', text);
      const [next, ...rest] = queue.current;
      if (next) {
        setQueue(rest);
        say('info', `starting the queued plan: ${next.request}`);
        perform({ kind: 'run', proposal: next });
        return;
      }
      active.current = false;
      setBusy(false);
    };
    done.then(
      (summary) => settle('summary', summary),
      (e: unknown) => settle('error', describeError(e)),
    );
  };

  return {
    live,
    /** A run, resume or rollback is under way. */
    busy,
    queued,
    /** Runs now, or after the run under way when there is one. */
    run(proposal: Runnable): void {
      if (active.current) {
        setQueue([...queue.current, proposal]);
        say('info', `queued: it runs when run ${controller.runId ?? ''} ends (${queue.current.length} waiting; /cancel drops them)`);
      } else perform({ kind: 'run', proposal });
    },
    resume(run?: string): void {
      if (active.current) say('error', 'a run is in progress: wait for it, or /cancel it first');
      else perform({ kind: 'resume', ...(run !== undefined ? { run } : {}) });
    },
    rollback(run?: string, to?: string): void {
      if (active.current) say('error', 'a run is in progress: /cancel it first, then roll back');
      else perform({ kind: 'rollback', ...(run !== undefined ? { run } : {}), ...(to !== undefined ? { to } : {}) });
    },
    /** Cancels the run under way (killing it when `hard`) and drops the queue; false when idle. */
    cancel(hard: boolean, reason?: string): boolean {
      const dropped = queue.current.length;
      setQueue([]);
      if (!active.current) {
        if (dropped) say('info', `dropped ${dropped} queued plan${dropped === 1 ? '' : 's'}`);
        return dropped > 0;
      }
      controller.cancel(hard, reason);
      const id = controller.runId ?? 'RUN';
      say('info', hard ? 'killing the run now' : `cancelling run ${id}: its steps are stopped and it can be resumed (/resume ${id})${dropped ? `; dropped ${dropped} queued` : ''}; Ctrl-C again kills at once`);
      return true;
    },
  };
}
