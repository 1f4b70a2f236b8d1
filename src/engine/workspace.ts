import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stateDir } from '../registry/paths.js';

export type AttemptFile = 'log' | 'outputs' | 'pid' | 'exit';

/**
 * Where a run keeps its files: `.baton/runs/<run>/`, a working folder per step under `steps/`, and
 * each attempt's files side by side in `attempts/` (`train.2.log`, `train.2.outputs`, ...). Flat on
 * purpose: one folder per attempt would cost a mkdir on every step's critical path.
 */
export interface RunPaths {
  workspace: string;
  stepDir(step: string): string;
  attemptFile(step: string, attempt: number, kind: AttemptFile): string;
  /** Creates the folders every step relies on; once per run. */
  prepare(): void;
}

export function runPaths(projectDir: string, runId: string): RunPaths {
  const workspace = join(stateDir(projectDir), 'runs', runId);
  return {
    workspace,
    stepDir: (step) => join(workspace, 'steps', step),
    attemptFile: (step, attempt, kind) => join(workspace, 'attempts', `${step}.${attempt}.${kind}`),
    prepare() {
      mkdirSync(join(workspace, 'steps'), { recursive: true });
      mkdirSync(join(workspace, 'attempts'), { recursive: true });
    },
  };
}
