import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { EventBody } from '../../src/core/events.js';
import { applyEvent, emptyRun, type RunState } from '../../src/core/runState.js';
import { initialLive, liveReducer, PANE_LINES, type LiveState, type Pane } from '../../src/ui/live/liveState.js';
import { focusable, moveFocus, NO_NAVIGATION, scrollPane } from '../../src/ui/live/navigation.js';
import { LiveView } from '../../src/ui/live/LiveView.js';

/** Replays a recorded event stream into the live view's state, as the running view does. */
function replay(bodies: EventBody[], start = 1000): { live: LiveState; run: RunState } {
  const run = emptyRun('r1');
  let live = initialLive(run, start);
  bodies.forEach((body, i) => {
    const event = { ...body, seq: i + 1, ts: start + i * 100 };
    applyEvent(run, event);
    live = liveReducer(live, { type: 'event', event, run });
  });
  return { live, run };
}

const STREAM: EventBody[] = [
  { type: 'run.created', name: 'demo', steps: [{ id: 'prep', needs: [] }, { id: 'train', needs: ['prep'] }, { id: 'tree', needs: ['prep'] }, { id: 'report', needs: ['train', 'tree'] }] },
  { type: 'run.started', pid: 1, host: 'h', parallel: 3 },
  { type: 'step.started', step: 'prep', attempt: 1, agent: 'data', workdir: '/w', logPath: '/l' },
  { type: 'step.succeeded', step: 'prep', attempt: 1, outputs: {}, durationMs: 1200 },
  { type: 'step.started', step: 'train', attempt: 1, agent: 'trainer', workdir: '/w', logPath: '/l' },
  { type: 'step.started', step: 'tree', attempt: 1, agent: 'trainer', workdir: '/w', logPath: '/l' },
  { type: 'step.progress', step: 'train', attempt: 1, current: 3, total: 6, message: 'tree 3' },
];

describe('the live view', () => {
  it('keeps one pane per running step, in start order, with a bounded buffer of its output', () => {
    let { live } = replay(STREAM);
    expect(live.panes.map((p) => [p.step, p.agent])).toEqual([
      ['train', 'trainer'],
      ['tree', 'trainer'],
    ]);
    live = liveReducer(live, { type: 'lines', step: 'train', lines: ['::progress 4/6', ...Array.from({ length: PANE_LINES + 50 }, (_, i) => `line ${i}`)] });
    const train = live.panes.find((p) => p.step === 'train');
    expect(train?.lines).toHaveLength(PANE_LINES);
    expect(train?.lines.at(-1)).toBe(`line ${PANE_LINES + 49}`);
    expect(train?.lines.some((l) => l.startsWith('::'))).toBe(false);
  });

  it('renders the counts bar, side-by-side panes with a progress bar, and the step list', () => {
    const { live } = replay(STREAM);
    const next = liveReducer(live, { type: 'lines', step: 'tree', lines: ['fold 1 accuracy 0.93'] });
    const { lastFrame } = render(<LiveView live={{ ...next, now: 2000 }} columns={120} rows={30} maxPanes={3} />);
    const frame = lastFrame() ?? '';
    expect(frame).toContain('demo 1/4 done');
    expect(frame).toMatch(/train on trainer ▶ running/);
    expect(frame).toMatch(/██████████░░░░░░░░░░ 3\/6 tree 3 ETA/);
    expect(frame).toContain('fold 1 accuracy 0.93');
    expect(frame).toMatch(/✔ prep 1\.2s/);
    expect(frame).toMatch(/· report pending/);
    // Side by side: both pane headers on one line of the frame.
    expect(frame.split('\n').some((l) => l.includes('train on trainer') && l.includes('tree on trainer'))).toBe(true);
  });

  it('stacks the panes on a narrow terminal and ends without panes', () => {
    const { live } = replay(STREAM);
    const narrow = render(<LiveView live={live} columns={60} rows={30} maxPanes={3} />).lastFrame() ?? '';
    expect(narrow.split('\n').some((l) => l.includes('train on trainer') && l.includes('tree on trainer'))).toBe(false);
    expect(narrow).toContain('tree on trainer');
    const done = replay([
      ...STREAM,
      { type: 'step.succeeded', step: 'train', attempt: 1, outputs: {}, durationMs: 900 },
      { type: 'step.failed', step: 'tree', attempt: 1, exitCode: 1, signal: null, error: 'exit code 1', durationMs: 800 },
    ]).live;
    expect(done.panes).toEqual([]);
    expect(render(<LiveView live={done} columns={120} rows={30} maxPanes={3} />).lastFrame()).toMatch(/✖ tree exit code 1/);
  });

  it('a focused pane scrolled up stays still while output flows, says how much is below, and follows again at the bottom', () => {
    const { live } = replay(STREAM);
    const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `out ${from + i}`);
    let state = liveReducer(live, { type: 'lines', step: 'train', lines: lines(0, 50) });
    const pane = () => state.panes.find((p) => p.step === 'train') as Pane;
    let nav = moveFocus(NO_NAVIGATION, focusable(state.panes, state.run), 1);
    expect(nav.focus).toBe('train');
    nav = scrollPane(nav, pane(), 10, 8);
    const frameOf = () => render(<LiveView live={{ ...state, now: 2000 }} columns={120} rows={20} maxPanes={3} nav={nav} />).lastFrame() ?? '';
    const before = frameOf();
    expect(before).toMatch(/⏸ scrolled up: 10 newer lines below \(End follows\)/);
    expect(before).toContain('out 39');
    expect(before).not.toContain('out 40');
    expect(before).toMatch(/╔/);

    state = liveReducer(state, { type: 'lines', step: 'train', lines: lines(50, 80) });
    const after = frameOf();
    expect(after).toContain('out 39');
    expect(after).not.toContain('out 79');
    expect(after).toMatch(/⏸ scrolled up: 40 newer lines below/);

    nav = scrollPane(nav, pane(), -1000, 8);
    const following = frameOf();
    expect(following).toContain('out 79');
    expect(following).not.toContain('scrolled up');
  });

  it('zoom shows the focused pane alone; Tab reaches failed steps after the running ones', () => {
    const failed = replay([...STREAM, { type: 'step.failed', step: 'tree', attempt: 1, exitCode: 2, signal: null, error: 'exit code 2', durationMs: 500 }]).live;
    expect(focusable(failed.panes, failed.run)).toEqual(['train', 'tree']);
    const zoomed = { ...moveFocus(NO_NAVIGATION, ['train', 'tree'], 1), zoomed: true };
    const { live } = replay(STREAM);
    const frame = render(<LiveView live={live} columns={120} rows={30} maxPanes={3} nav={zoomed} />).lastFrame() ?? '';
    expect(frame).toContain('train on trainer');
    expect(frame).not.toContain('tree on trainer');
    expect(moveFocus(zoomed, ['train', 'tree'], -1).focus).toBe('tree');
  });
});
