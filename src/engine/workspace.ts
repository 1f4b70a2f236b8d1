import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stateDir } from '../registry/paths.js';

export type AttemptFile = 'log' | 'outputs' | 'pid' | 'exit' | 'claim';

/** What a workspace snapshot leaves out: the attempts' own files and the snapshots themselves. */
export const NOT_IN_CHECKPOINTS = new Set(['attempts', 'checkpoints']);

/**
 * Where a run keeps its files: `.baton/runs/<run>/`, a working folder per step under `steps/`, and
 * each attempt's files side by side in `attempts/` (`train.2.log`, `train.2.outputs`, ...). Flat on
 * purpose: one folder per attempt would cost a mkdir on every step's critical path.
 */
export interface RunPaths {
  workspace: string;
  stepDir(step: string): string;
  /** An attempt's file; the attempt is a number, or `undo` for the step's compensating action. */
  attemptFile(step: string, attempt: number | 'undo', kind: AttemptFile): string;
  checkpointDir(step: string): string;
  /** Creates the folders every step relies on; once per run. */
  prepare(): void;
}

export function runPaths(projectDir: string, runId: string): RunPaths {
  const workspace = join(stateDir(projectDir), 'runs', runId);
  return {
    workspace,
    stepDir: (step) => join(workspace, 'steps', step),
    attemptFile: (step, attempt, kind) => join(workspace, 'attempts', `${step}.${attempt}.${kind}`),
    checkpointDir: (step) => join(workspace, 'checkpoints', step),
    prepare() {
      mkdirSync(join(workspace, 'steps'), { recursive: true });
      mkdirSync(join(workspace, 'attempts'), { recursive: true });
    },
  };
}
