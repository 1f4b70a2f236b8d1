import { render } from 'ink';
import type { EventLog } from '../../store/eventLog.js';
import { frameBatcher } from './frames.js';
import type { LiveState } from './liveState.js';
import { LiveView } from './LiveView.js';

export interface LiveHandle {
  /** A line of a running step's output, for its pane. */
  output(step: string, line: string): void;
  /** Draws the last frame and gives the terminal back. */
  stop(): void;
}

/** Shows a run in the live view while it executes (`baton run` on a terminal). */
export function mountLiveView(log: EventLog, maxPanes: number, stdout: NodeJS.WriteStream = process.stdout): LiveHandle {
  const size = () => ({ columns: stdout.columns || 100, rows: stdout.rows || 30 });
  const view = (s: LiveState) => <LiveView live={s} {...size()} maxPanes={maxPanes} />;
  let last: LiveState | undefined;
  const app = render(null, { stdout, exitOnCtrlC: false, patchConsole: false });
  const frames = frameBatcher((live) => {
    last = live;
    app.rerender(view(live));
  }, log.state);
  const unsubscribe = log.subscribe((event, run) => frames.event(event, run));
  // A new size needs a new layout, not just a repaint of the old one.
  const onResize = () => {
    if (last) app.rerender(view(last));
  };
  stdout.on('resize', onResize);
  return {
    output: (step, line) => frames.output(step, line),
    stop() {
      stdout.off('resize', onResize);
      unsubscribe();
      frames.stop();
      app.unmount();
    },
  };
}
