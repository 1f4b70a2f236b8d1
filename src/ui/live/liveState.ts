import type { RunEvent } from '../../core/events.js';
import type { RunState } from '../../core/runState.js';

/**
 * What the live view shows besides the run's own state: one pane per running step, each with
 * the last lines of its output in a bounded buffer. Pure, so a recorded event stream can be
 * replayed into it in a test.
 */
export const PANE_LINES = 200;
export const LINE_WIDTH = 400;

export interface Pane {
  step: string;
  agent: string;
  attempt: number;
  startedAt: number;
  /** The last lines of output, at most PANE_LINES. */
  lines: string[];
  /** Every line the pane has received, for scrolling that stays put while output flows. */
  received: number;
}

export interface LiveState {
  run: RunState;
  /** Running steps in the order they started. */
  panes: Pane[];
  now: number;
}

export function initialLive(run: RunState, now = Date.now()): LiveState {
  return { run, panes: [], now };
}

export type LiveAction = { type: 'event'; event: RunEvent; run: RunState } | { type: 'lines'; step: string; lines: string[] } | { type: 'tick'; now: number };

const ENDS = new Set(['step.succeeded', 'step.failed', 'step.cancelled', 'step.interrupted', 'step.skipped', 'step.iterated']);

export function liveReducer(state: LiveState, action: LiveAction): LiveState {
  switch (action.type) {
    case 'tick':
      return { ...state, now: action.now };
    case 'lines': {
      // `::progress` and friends are for Baton, not for reading: the pane shows them as a bar.
      const shown = action.lines.filter((l) => !l.startsWith('::')).map((l) => (l.length > LINE_WIDTH ? `${l.slice(0, LINE_WIDTH)}…` : l));
      if (shown.length === 0) return state;
      const panes = state.panes.map((p) => {
        if (p.step !== action.step) return p;
        const lines = [...p.lines, ...shown];
        return { ...p, lines: lines.length > PANE_LINES ? lines.slice(-PANE_LINES) : lines, received: p.received + shown.length };
      });
      return { ...state, panes };
    }
    case 'event': {
      const e = action.event;
      let panes = state.panes;
      if (e.type === 'step.started' && e.agent !== '-') {
        panes = [...panes.filter((p) => p.step !== e.step), { step: e.step, agent: e.agent, attempt: e.attempt, startedAt: e.ts, lines: [], received: 0 }];
      } else if (ENDS.has(e.type) && 'step' in e) {
        panes = panes.filter((p) => p.step !== e.step);
      }
      return { run: action.run, panes, now: Math.max(state.now, e.ts) };
    }
  }
}
