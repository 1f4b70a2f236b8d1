import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { EventBody } from '../../src/core/events.js';
import { applyEvent, emptyRun, type RunState } from '../../src/core/runState.js';
import { initialLive, liveReducer, PANE_LINES, type LiveState } from '../../src/ui/live/liveState.js';
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
});
