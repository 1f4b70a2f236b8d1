import { render } from 'ink';
import type { EventLog } from '../../store/eventLog.js';
import { initialLive, liveReducer, type LiveState } from './liveState.js';
import { LiveView } from './LiveView.js';

const FRAME_MS = 33;
const TICK_MS = 500;

export interface LiveHandle {
  /** A line of a running step's output, for its pane. */
  output(step: string, line: string): void;
  /** Draws the last frame and gives the terminal back. */
  stop(): void;
}

/**
 * Shows a run in the live view while it executes. Events and output lines are batched and the
 * frame is redrawn at most about 30 times a second, whatever the output rate; a slow tick keeps
 * elapsed times moving when nothing else happens.
 */
export function mountLiveView(log: EventLog, maxPanes: number, stdout: NodeJS.WriteStream = process.stdout): LiveHandle {
  let live: LiveState = initialLive(log.state);
  const pending = new Map<string, string[]>();
  let timer: NodeJS.Timeout | undefined;
  const size = () => ({ columns: stdout.columns || 100, rows: stdout.rows || 30 });
  const view = (s: LiveState) => <LiveView live={s} {...size()} maxPanes={maxPanes} />;
  const app = render(view(live), { stdout, exitOnCtrlC: false, patchConsole: false });

  const draw = () => {
    timer = undefined;
    for (const [step, lines] of pending) live = liveReducer(live, { type: 'lines', step, lines });
    pending.clear();
    live = liveReducer(live, { type: 'tick', now: Date.now() });
    app.rerender(view(live));
  };
  const schedule = () => {
    timer ??= setTimeout(draw, FRAME_MS);
  };
  const unsubscribe = log.subscribe((event, run) => {
    live = liveReducer(live, { type: 'event', event, run });
    schedule();
  });
  const ticker = setInterval(schedule, TICK_MS);
  const onResize = () => schedule();
  stdout.on('resize', onResize);
  return {
    output(step, line) {
      const lines = pending.get(step);
      if (lines) lines.push(line);
      else pending.set(step, [line]);
      schedule();
    },
    stop() {
      clearInterval(ticker);
      clearTimeout(timer);
      stdout.off('resize', onResize);
      unsubscribe();
      draw();
      app.unmount();
    },
  };
}
