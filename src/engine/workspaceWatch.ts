import { existsSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BatonError } from '../core/errors.js';
import type { EventBody } from '../core/events.js';
import { WORKSPACE_MARK, type RunPaths } from './workspace.js';

type RunFinished = Extract<EventBody, { type: 'run.finished' }>;

/** The run's workspace was deleted under it: its files are gone, so resuming cannot bring them back. */
export class WorkspaceGoneError extends BatonError {}

const CHECK_EVERY_MS = 500;

/** How to start a run again, from what its plan came from (a file, `template NAME`, or `request`). */
function againCommand(source: string): string {
  if (source === 'request') return 'baton run "REQUEST" with the same request';
  if (source.startsWith('template ')) return `baton run ${source.slice('template '.length)} NAME=VALUE ...`;
  return `baton run ${/^[\w./-]+$/.test(source) ? source : JSON.stringify(source)}`;
}

/**
 * Notices a run's workspace being deleted while the run goes on. Folders alone would not tell:
 * the executor and the step wrappers recreate a missing step or attempts folder, so the run would
 * carry on in an empty workspace with its earlier steps' files gone. The workspace instead holds a
 * mark that nothing recreates; once it is missing the run is stopped (`stop`, which cancels the
 * running steps) and ends as failed with a line that says to start it again.
 */
export class WorkspaceWatch {
  private timer: NodeJS.Timeout | undefined;
  private lost: WorkspaceGoneError | undefined;
  private readonly mark: string;

  constructor(
    private readonly paths: RunPaths,
    private readonly source: string,
    private readonly stop: (reason: string) => void,
    private readonly finished: () => boolean,
  ) {
    this.mark = join(paths.workspace, WORKSPACE_MARK);
  }

  /** Marks the workspace (prepared already) as the run's, then looks for the mark twice a second until the run is over. */
  start(runId: string): void {
    if (!existsSync(this.mark)) writeFileSync(this.mark, `${runId}\n`);
    this.timer = setInterval(() => {
      if (this.finished()) clearInterval(this.timer);
      else this.check();
    }, CHECK_EVERY_MS);
    this.timer.unref();
  }

  /** True once the workspace was found deleted; the first time, the run is stopped. One stat while it is there. */
  check(): boolean {
    if (this.lost) return true;
    if (this.timer === undefined || existsSync(this.mark)) return false;
    clearInterval(this.timer);
    const shown = relative(this.paths.projectDir, this.paths.workspace);
    this.lost = new WorkspaceGoneError(`the workspace ${shown} was deleted while the run was going; its files are gone: start the run again (${againCommand(this.source)})`);
    this.stop('its workspace was deleted');
    return true;
  }

  /** The error the run ends with, when its workspace was deleted. */
  get gone(): WorkspaceGoneError | undefined {
    return this.lost;
  }

  /** The run's last event: failed, whatever its steps did, when its files are gone. */
  outcome(outcome: RunFinished): RunFinished {
    return this.lost ? { type: 'run.finished', status: 'failed', reason: this.lost.message } : outcome;
  }
}
