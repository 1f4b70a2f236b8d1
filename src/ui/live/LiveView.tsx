import { Box } from 'ink';
import { CountsBar, StepList, StepPane } from './components.js';
import type { LiveState } from './liveState.js';
import { NO_NAVIGATION, type Navigation } from './navigation.js';

export interface LiveViewProps {
  live: LiveState;
  columns: number;
  rows: number;
  /** Panes at most (the parallel limit). */
  maxPanes: number;
  nav?: Navigation;
}

/** The rows of output a pane shows, given the view's size; scrolling pages by this much. */
export function paneLayout(live: LiveState, columns: number, rows: number, maxPanes: number, nav: Navigation = NO_NAVIGATION) {
  const zoomed = nav.zoomed ? live.panes.filter((p) => p.step === nav.focus) : [];
  const panes = zoomed.length ? zoomed : live.panes.slice(-maxPanes);
  const sideBySide = panes.length > 0 && columns / panes.length >= 40;
  const listRows = Math.min(live.run.order.length, Math.max(3, Math.floor(rows / 4)));
  const paneBudget = Math.max(4, rows - listRows - 3);
  const paneHeight = sideBySide ? paneBudget : Math.max(3, Math.floor(paneBudget / Math.max(1, panes.length)));
  return { panes, sideBySide, listRows, lineRows: Math.max(1, paneHeight - 4), paneWidth: sideBySide ? Math.floor(columns / panes.length) : columns };
}

/**
 * The live multi-pane view of a run: a counts bar, one pane per running step (side by side on a
 * wide terminal, stacked on a narrow one; one pane only when zoomed) and the step list. It never
 * grows past the rows it is given, so Ink never has to clear the screen.
 */
export function LiveView({ live, columns, rows, maxPanes, nav = NO_NAVIGATION }: LiveViewProps) {
  const { panes, sideBySide, listRows, lineRows, paneWidth } = paneLayout(live, columns, rows, maxPanes, nav);
  return (
    <Box flexDirection="column" width={columns}>
      <CountsBar run={live.run} />
      <Box flexDirection={sideBySide ? 'row' : 'column'}>
        {panes.map((p) => (
          <StepPane key={p.step} pane={p} step={live.run.steps[p.step]} now={live.now} height={lineRows} width={paneWidth} focused={p.step === nav.focus} anchor={nav.anchors[p.step]} />
        ))}
      </Box>
      <StepList run={live.run} now={live.now} limit={listRows} focus={nav.focus} />
    </Box>
  );
}
