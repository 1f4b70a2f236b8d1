import { Box } from 'ink';
import { CountsBar, StepList, StepPane } from './components.js';
import type { LiveState } from './liveState.js';

export interface LiveViewProps {
  live: LiveState;
  columns: number;
  rows: number;
  /** Panes at most (the parallel limit). */
  maxPanes: number;
}

/**
 * The live multi-pane view of a run: a counts bar, one pane per running step (side by side on a
 * wide terminal, stacked on a narrow one) and the step list. It never grows past the terminal's
 * height, so Ink never has to clear the screen.
 */
export function LiveView({ live, columns, rows, maxPanes }: LiveViewProps) {
  const panes = live.panes.slice(-maxPanes);
  const sideBySide = panes.length > 0 && columns / panes.length >= 40;
  const listRows = Math.min(live.run.order.length, Math.max(3, Math.floor(rows / 4)));
  const paneBudget = Math.max(4, rows - listRows - 3);
  const paneHeight = sideBySide ? paneBudget : Math.max(3, Math.floor(paneBudget / Math.max(1, panes.length)));
  const lineRows = Math.max(1, paneHeight - 4);
  const paneWidth = sideBySide ? Math.floor(columns / panes.length) : columns;
  return (
    <Box flexDirection="column" width={columns}>
      <CountsBar run={live.run} />
      <Box flexDirection={sideBySide ? 'row' : 'column'}>
        {panes.map((p) => (
          <StepPane key={p.step} pane={p} step={live.run.steps[p.step]} now={live.now} height={lineRows} width={paneWidth} />
        ))}
      </Box>
      <StepList run={live.run} now={live.now} limit={listRows} />
    </Box>
  );
}
