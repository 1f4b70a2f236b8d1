import { Box, Text } from 'ink';
import { formatDuration } from '../../core/duration.js';
import { STATUS_ICON, type StepStatus } from '../../core/events.js';
import { countByStatus, type RunState, type StepState } from '../../core/runState.js';
import type { Pane } from './liveState.js';
import { visibleLines } from './navigation.js';

const COLOR: Partial<Record<StepStatus, string>> = { running: 'cyan', retrying: 'yellow', succeeded: 'green', failed: 'red', cancelled: 'red', interrupted: 'yellow', skipped: 'gray', pending: 'gray' };

/** `7/12 done  ✔ 6  ✖ 1  ⟳ 1  ▶ 3`: the run at a glance. */
export function CountsBar({ run }: { run: RunState }) {
  const c = countByStatus(run);
  const done = c.succeeded + c.failed + c.skipped;
  return (
    <Box gap={2}>
      <Text bold>
        {run.name} {done}/{run.order.length} done
      </Text>
      <Text color="green">✔ {c.succeeded}</Text>
      {c.failed > 0 && <Text color="red">✖ {c.failed}</Text>}
      {c.retrying > 0 && <Text color="yellow">⟳ {c.retrying}</Text>}
      {c.running > 0 && <Text color="cyan">▶ {c.running}</Text>}
      {c.skipped > 0 && <Text color="gray">⤼ {c.skipped}</Text>}
    </Box>
  );
}

/** `[█████░░░░░] 42/100 loading  ETA 6.0s` from a step's `::progress` lines. */
export function ProgressBar({ step, now, width = 20 }: { step: StepState; now: number; width?: number }) {
  const p = step.progress;
  if (!p || p.total <= 0) return null;
  const share = Math.max(0, Math.min(1, p.current / p.total));
  const filled = Math.round(share * width);
  const elapsed = now - (step.startedAt ?? now);
  const eta = share > 0 && share < 1 ? (elapsed / share) * (1 - share) : undefined;
  return (
    <Text>
      <Text color="cyan">{'█'.repeat(filled)}</Text>
      <Text color="gray">{'░'.repeat(width - filled)}</Text> {p.current}/{p.total}
      {p.message ? ` ${p.message}` : ''}
      {eta !== undefined ? <Text color="gray"> ETA {formatDuration(eta)}</Text> : null}
    </Text>
  );
}

/** One running step: agent, step, status, time, attempt, progress and the last lines of its output. */
export function StepPane({ pane, step, now, height, width, focused = false, anchor }: { pane: Pane; step: StepState | undefined; now: number; height: number; width: number; focused?: boolean; anchor?: number }) {
  const status = step?.status ?? 'running';
  // A scrolled pane gives its last line to the marker, so the pane keeps its height.
  const { lines, below } = visibleLines(pane, anchor === undefined ? height : height - 1, anchor);
  return (
    <Box flexDirection="column" borderStyle={focused ? 'double' : 'round'} borderColor={focused ? 'white' : (COLOR[status] ?? 'cyan')} width={width} paddingX={1}>
      <Text wrap="truncate">
        <Text bold>{pane.step}</Text> <Text color="gray">on {pane.agent}</Text> <Text color={COLOR[status] ?? 'cyan'}>{STATUS_ICON[status]} {status}</Text>{' '}
        <Text color="gray">
          {formatDuration(now - pane.startedAt)}
          {pane.attempt > 1 ? ` · attempt ${pane.attempt}` : ''}
        </Text>
      </Text>
      {step ? <ProgressBar step={step} now={now} /> : null}
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate" color="gray">
          {fit(line, width - 4)}
        </Text>
      ))}
      {below > 0 ? (
        <Text wrap="truncate" color="yellow">
          ⏸ scrolled up: {below} newer line{below === 1 ? '' : 's'} below (End follows)
        </Text>
      ) : null}
    </Box>
  );
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * A log line cut to the pane's width. Plain ASCII is cut by length and stays plain ASCII (no
 * ellipsis), which Ink measures by its length: a flood of output then costs little to draw.
 * Anything else (wide characters, escape codes) is left to Ink's width-aware truncation.
 */
function fit(line: string, width: number): string {
  if (PRINTABLE_ASCII.test(line)) return line.length > width ? line.slice(0, Math.max(0, width)) : line;
  // Control characters other than escape would move the cursor inside the pane.
  return line.replace(/[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f]/g, ' ');
}

/** Every step in one line each: running first, then waiting, then finished. */
export function StepList({ run, now, limit, focus }: { run: RunState; now: number; limit: number; focus?: string }) {
  const rank: Record<StepStatus, number> = { running: 0, retrying: 1, pending: 2, interrupted: 2, succeeded: 3, failed: 3, skipped: 3, cancelled: 3 };
  const steps = run.order.map((id) => run.steps[id]).filter((s): s is StepState => s !== undefined);
  const sorted = [...steps].sort((a, b) => rank[a.status] - rank[b.status]);
  const shown = sorted.slice(0, limit);
  // The focused step stays in sight, however long the list.
  const focused = sorted.findIndex((s) => s.id === focus);
  if (focused >= limit && limit > 0) shown[limit - 1] = sorted[focused] as StepState;
  return (
    <Box flexDirection="column">
      {shown.map((s) => (
        <Text key={s.id} wrap="truncate">
          <Text color={COLOR[s.status] ?? 'white'} inverse={s.id === focus}>
            {STATUS_ICON[s.status]} {s.id}
          </Text>
          <Text color="gray"> {detail(s, now)}</Text>
        </Text>
      ))}
      {sorted.length > shown.length ? <Text color="gray">… {sorted.length - shown.length} more</Text> : null}
    </Box>
  );
}

function detail(s: StepState, now: number): string {
  if (s.status === 'retrying' && s.retryAt !== undefined) return `retrying in ${formatDuration(Math.max(0, s.retryAt - now))}`;
  if (s.status === 'running') return s.fallback === 'running' ? 'fallback running' : `${formatDuration(now - (s.startedAt ?? now))}`;
  if (s.status === 'succeeded') return `${formatDuration(s.durationMs ?? 0)}${s.fallback === 'succeeded' ? ' (fallback)' : ''}`;
  if (s.status === 'failed') return s.error ?? '';
  if (s.status === 'skipped') return s.reason ?? '';
  return s.status;
}
