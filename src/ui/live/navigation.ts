import type { RunState } from '../../core/runState.js';
import type { Pane } from './liveState.js';

/**
 * Where the user is in the live view: the focused step, whether its pane fills the view, and the
 * panes scrolled up. Kept apart from the run's state: it changes on keys, not on events. Pure.
 */
export interface Navigation {
  /** The focused step: a running step's pane, or a failed step in the list (to retry). */
  focus?: string;
  zoomed: boolean;
  /**
   * Panes scrolled up, by step: the line (counted over all the lines the pane ever received) just
   * below the last one shown. Counting from the start, not from the end, keeps the view still
   * while new lines arrive: that is what pauses auto-follow.
   */
  anchors: Record<string, number>;
}

export const NO_NAVIGATION: Navigation = { zoomed: false, anchors: {} };

/** What Tab walks through: running panes in start order, then the steps that failed or were cancelled. */
export function focusable(panes: readonly Pane[], run: RunState): string[] {
  const ended = run.order.filter((id) => run.steps[id]?.status === 'failed' || run.steps[id]?.status === 'cancelled');
  return [...panes.map((p) => p.step), ...ended.filter((id) => !panes.some((p) => p.step === id))];
}

export function moveFocus(nav: Navigation, targets: readonly string[], by: 1 | -1): Navigation {
  if (targets.length === 0) return { ...nav, focus: undefined, zoomed: false };
  const at = nav.focus === undefined ? -1 : targets.indexOf(nav.focus);
  const next = at < 0 ? (by === 1 ? 0 : targets.length - 1) : (at + by + targets.length) % targets.length;
  return { ...nav, focus: targets[next] };
}

/** Scrolls a pane by `lines` (positive: up, into older output); back at the bottom it follows again. */
export function scrollPane(nav: Navigation, pane: Pane, lines: number, height: number): Navigation {
  const oldest = pane.received - pane.lines.length;
  const bottom = nav.anchors[pane.step] ?? pane.received;
  const anchor = Math.min(pane.received, Math.max(oldest + Math.min(height, pane.lines.length), bottom - lines));
  const anchors = { ...nav.anchors };
  if (anchor >= pane.received) delete anchors[pane.step];
  else anchors[pane.step] = anchor;
  return { ...nav, anchors };
}

export function follow(nav: Navigation, step: string): Navigation {
  const anchors = { ...nav.anchors };
  delete anchors[step];
  return { ...nav, anchors };
}

/** The lines a pane of `height` shows, and how many newer lines sit below them when scrolled up. */
export function visibleLines(pane: Pane, height: number, anchor: number | undefined): { lines: string[]; below: number } {
  const first = pane.received - pane.lines.length;
  const end = Math.max(first, Math.min(pane.received, anchor ?? pane.received));
  const start = Math.max(first, end - Math.max(1, height));
  return { lines: pane.lines.slice(start - first, end - first), below: pane.received - end };
}

/** Drops what points at steps no longer there: a pane that ended keeps no scroll, a focus no target. */
export function prune(nav: Navigation, targets: readonly string[]): Navigation {
  const focus = nav.focus !== undefined && targets.includes(nav.focus) ? nav.focus : undefined;
  const anchors = Object.fromEntries(Object.entries(nav.anchors).filter(([step]) => targets.includes(step)));
  return { focus, zoomed: focus !== undefined && nav.zoomed, anchors };
}
