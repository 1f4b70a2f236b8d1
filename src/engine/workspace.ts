import { join } from 'node:path';
import { stateDir } from '../registry/paths.js';

/** Where a run keeps its files: `.baton/runs/<run>/`, with a folder per step and per attempt. */
export interface RunPaths {
  workspace: string;
  stepDir(step: string): string;
  attemptDir(step: string, attempt: number): string;
  logPath(step: string, attempt: number): string;
  outputPath(step: string, attempt: number): string;
}

export function runPaths(projectDir: string, runId: string): RunPaths {
  const workspace = join(stateDir(projectDir), 'runs', runId);
  const attemptDir = (step: string, attempt: number) => join(workspace, 'attempts', step, String(attempt));
  return {
    workspace,
    stepDir: (step) => join(workspace, 'steps', step),
    attemptDir,
    logPath: (step, attempt) => join(attemptDir(step, attempt), 'log'),
    outputPath: (step, attempt) => join(attemptDir(step, attempt), 'outputs'),
  };
}
