import { formatDuration } from '../core/duration.js';
import type { RunEvent } from '../core/events.js';
import type { RunState } from '../core/runState.js';
import { clock, cyan, dim, green, red, yellow } from './format.js';

/**
 * Plain progress lines, one per event that matters (`[12:01:02] train ▶ started`). The same on a
 * terminal and in a pipe, minus the colour; the live multi-pane view replaces this in the REPL.
 */
export function progressLine(e: RunEvent, state: RunState): string | undefined {
  const at = dim(`[${clock(e.ts)}]`);
  switch (e.type) {
    case 'run.started':
    case 'run.resumed':
      return `${at} run ${state.id} ${e.type === 'run.started' ? 'started' : 'resumed'}: ${state.name}, ${state.order.length} steps, up to ${e.parallel} at once`;
    case 'run.rollback':
      return e.phase === 'started'
        ? `${at} ${yellow('↶')} rolling back${e.to !== undefined ? ` to ${e.to}` : ''}: ${e.reason}`
        : `${at} ${e.ok ? green('↶') : red('↶')} rollback ${e.ok ? 'done' : `failed: ${e.error ?? ''}`}${e.restored ? `; workspace restored to the checkpoint of ${e.restored}` : ''}`;
    case 'step.undone':
      return `${at} ${e.step} ${e.ok ? green('↶') : red('↶')} ${e.ok ? 'undone' : `undo failed: ${e.error ?? ''}`}`;
    case 'step.escalated':
      return `${at} ${e.step} ${red('▲')} escalated ${e.from} → ${e.to}: ${e.reason}`;
    case 'step.checkpointed':
      return `${at} ${e.step} ${dim('⛁ checkpoint saved')}`;
    case 'hook.ran':
      return `${at} ${dim(`hook ${e.hook}${e.step ? ` for ${e.step}` : ''}: ${e.error ?? 'ok'}`)}`;
    case 'breaker.changed':
      return `${at} ${e.to === 'open' ? red('⚡') : e.to === 'closed' ? green('⚡') : yellow('⚡')} circuit ${e.key} ${e.from} → ${e.to}${e.to === 'open' ? ` after ${e.failures} failures in a row` : ''}`;
    case 'step.started':
      return `${at} ${e.step} ${cyan('▶')} started${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''} on ${e.agent}`;
    case 'step.progress':
      return `${at} ${e.step} … ${e.current}/${e.total}${e.message ? ` ${e.message}` : ''}`;
    case 'step.message':
      return `${at} ${e.step} ${e.level === 'notice' ? dim('note') : yellow(e.level)}: ${e.text}`;
    case 'step.succeeded':
      return `${at} ${e.step} ${green('✔')} ${formatDuration(e.durationMs)}${e.viaFallback ? ' (by its fallback)' : ''}${e.recovered ? ' (finished while baton was down)' : ''}`;
    case 'step.failed':
      return `${at} ${e.step} ${red('✖')} ${e.error}${e.errorClass ? ` [${e.errorClass}${e.errorReason && !e.error.includes(e.errorReason) ? `: ${e.errorReason}` : ''}]` : ''} (attempt ${e.attempt})`;
    case 'step.remedy':
      return e.action === 'retry' ? `${at} ${e.step} ${green('✚')} self-healing: ${e.description}` : `${at} ${e.step} ${yellow('?')} suggestion: ${e.description}`;
    case 'step.fallback':
      return `${at} ${e.step} ${yellow('↪')} failed for good: falling back to ${e.to}`;
    case 'step.retrying':
      return `${at} ${e.step} ${yellow('⟳')} retrying in ${formatDuration(e.delayMs)} (attempt ${e.nextAttempt})`;
    case 'step.skipped':
      return `${at} ${e.step} ${dim('⤼')} skipped: ${e.reason}`;
    case 'step.interrupted':
      return `${at} ${e.step} ${yellow('!')} interrupted: ${e.reason}`;
    case 'step.cancelled':
      return `${at} ${e.step} ${red('■')} cancelled`;
    case 'step.requeued':
      return `${at} ${e.step} ${cyan('↻')} queued again: ${e.reason}`;
    default:
      return undefined;
  }
}
