import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BatonError, errorMessage } from '../core/errors.js';
import { containedPath, isWithin, PathEscapeError, stateDir } from '../registry/paths.js';

export type AttemptFile = 'log' | 'outputs' | 'pid' | 'exit' | 'claim';

/** The file that marks a workspace as this run's own; a folder recreated without it was deleted. */
export const WORKSPACE_MARK = '.baton-run';

/** What a workspace snapshot leaves out: the attempts' own files, the snapshots themselves and the mark. */
export const NOT_IN_CHECKPOINTS = new Set(['attempts', 'checkpoints', WORKSPACE_MARK]);

/**
 * Where a run keeps its files: `.baton/runs/<run>/`, a working folder per step under `steps/`, and
 * each attempt's files side by side in `attempts/` (`train.2.log`, `train.2.outputs`, ...). Flat on
 * purpose: one folder per attempt would cost a mkdir on every step's critical path.
 */
export interface RunPaths {
  workspace: string;
  /** The project folder, against which paths are shown. */
  projectDir: string;
  /** A step's working folder, by name (what the events record). */
  stepDir(step: string): string;
  /**
   * A step's working folder to run it in: the one place that checks, links followed, that a step
   * runs inside the workspace. Throws PathEscapeError when a link leads out.
   */
  stepCwd(step: string): string;
  /** The attempts' folder, checked like a step's working folder. */
  attemptsDir(): string;
  /** An attempt's file; the attempt is a number, or `undo` for the step's compensating action. */
  attemptFile(step: string, attempt: number | 'undo', kind: AttemptFile): string;
  /** Where a step's workspace snapshot goes, checked like a step's folder. */
  checkpointDir(step: string): string;
  /** Creates the folders every step relies on; once per run. */
  prepare(): void;
}

/**
 * Step ids are `[A-Za-z_][A-Za-z0-9_]*`, and the composed ones (`group.step`, `step[3]`) only add
 * `.`, `[` and `]`: no id holds a `/` or is `..`, so none leads out by name. The checks are there
 * for a symbolic link in the workspace (a step can plant one) and for ids that did not come
 * through the plan's schema.
 */
export function runPaths(projectDir: string, runId: string): RunPaths {
  const runs = join(stateDir(projectDir), 'runs');
  const workspace = join(runs, runId);
  if (runId === '' || !isWithin(runs, workspace) || workspace === runs) throw new PathEscapeError(`run id "${runId}" is not a folder name`, 'give the id `baton runs` shows');
  const shown = relative(projectDir, workspace);
  const inside = (path: string, what: string) => containedPath(workspace, path, what, `remove the symbolic link in ${shown}, or start the run again`);
  const attempts = join(workspace, 'attempts');
  const steps = join(workspace, 'steps');
  const stepDir = (step: string) => {
    const dir = join(steps, step);
    if (!isWithin(steps, dir) || dir === steps) throw new PathEscapeError(`step id "${step}" is not a folder name`, 'step ids are letters, digits and _');
    return dir;
  };
  return {
    workspace,
    projectDir,
    stepDir,
    stepCwd: (step) => inside(stepDir(step), `the working folder of step ${step}`),
    attemptsDir: () => inside(attempts, 'the attempts folder'),
    attemptFile: (step, attempt, kind) => {
      const file = join(attempts, `${step}.${attempt}.${kind}`);
      if (!isWithin(attempts, file)) throw new PathEscapeError(`step id "${step}" is not a file name`, 'step ids are letters, digits and _');
      return file;
    },
    checkpointDir: (step) => inside(join(workspace, 'checkpoints', step), `the checkpoint folder of step ${step}`),
    prepare() {
      try {
        mkdirSync(steps, { recursive: true });
        mkdirSync(attempts, { recursive: true });
      } catch (e) {
        throw new BatonError(`cannot create the run's workspace ${shown} (${errorMessage(e)})`, `check that ${relative(projectDir, runs)} is writable and its disk has space`);
      }
      inside(steps, 'the steps folder');
      inside(attempts, 'the attempts folder');
    },
  };
}
