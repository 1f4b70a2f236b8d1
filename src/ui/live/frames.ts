import { performance } from 'node:perf_hooks';
import type { RunEvent } from '../../core/events.js';
import type { RunState } from '../../core/runState.js';
import { initialLive, liveReducer, type LiveState } from './liveState.js';

/** About 30 frames a second at most, whatever the output rate. */
export const FRAME_MS = 33;
/** The share of one core baton may spend while a run is shown; past it, frames come less often. */
const CPU_BUDGET = 0.2;
/** Even so, the view moves at least twice a second. */
const SLOWEST_FRAME_MS = 500;
/** Elapsed times and retry countdowns move on even when nothing happens. */
const TICK_MS = 500;

export interface FrameBatcher {
  event(e: RunEvent, run: RunState): void;
  output(step: string, line: string): void;
  /** Draws once more, now, and stops the timers. */
  stop(): void;
}

/**
 * Folds a run's events and output lines into the live view's state and hands it to `draw` at
 * most once a frame: lines arriving between frames are applied in one batch.
 */
export function frameBatcher(draw: (live: LiveState) => void, start?: RunState): FrameBatcher {
  let live = start ? initialLive(start) : undefined;
  const pending = new Map<string, string[]>();
  let timer: NodeJS.Timeout | undefined;
  // A frame costs about the same whatever it shows (Ink lays out and paints the whole region), so
  // the frame interval follows what the process actually spends: it stretches while baton is over
  // its CPU budget (a flood of output, a huge terminal) and shrinks back to 30 a second when not.
  let interval = FRAME_MS;
  let lastCpu = process.cpuUsage();
  let lastAt = performance.now();
  const pace = () => {
    const cpu = process.cpuUsage(lastCpu);
    const now = performance.now();
    const share = (cpu.user + cpu.system) / 1000 / Math.max(1, now - lastAt);
    interval = share > CPU_BUDGET ? Math.min(SLOWEST_FRAME_MS, interval * 1.5) : Math.max(FRAME_MS, interval / 1.5);
    lastCpu = process.cpuUsage();
    lastAt = now;
  };
  const flush = () => {
    timer = undefined;
    pace();
    if (!live) return;
    for (const [step, lines] of pending) live = liveReducer(live, { type: 'lines', step, lines });
    pending.clear();
    live = liveReducer(live, { type: 'tick', now: Date.now() });
    draw(live);
  };
  const schedule = () => {
    timer ??= setTimeout(flush, interval);
  };
  const ticker = setInterval(schedule, TICK_MS);
  return {
    event(e, run) {
      live = liveReducer(live ?? initialLive(run), { type: 'event', event: e, run });
      schedule();
    },
    output(step, line) {
      const lines = pending.get(step);
      if (lines) lines.push(line);
      else pending.set(step, [line]);
      schedule();
    },
    stop() {
      clearInterval(ticker);
      clearTimeout(timer);
      flush();
    },
  };
}
