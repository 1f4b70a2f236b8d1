import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { NOT_IN_CHECKPOINTS } from './workspace.js';

/**
 * Copies the run's workspace (everything but the attempts' files and other checkpoints) into
 * `dest`, so a rollback can bring it back.
 */
export function saveCheckpoint(workspace: string, dest: string): void {
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  for (const entry of readdirSync(workspace)) {
    if (NOT_IN_CHECKPOINTS.has(entry)) continue;
    cpSync(join(workspace, entry), join(dest, entry), { recursive: true, verbatimSymlinks: true });
  }
}

/** Puts the workspace back as the checkpoint in `from` saw it (the attempts' logs stay). */
export function restoreCheckpoint(workspace: string, from: string): void {
  if (!existsSync(from)) throw new Error(`the checkpoint ${from} is gone`);
  for (const entry of readdirSync(workspace)) {
    if (!NOT_IN_CHECKPOINTS.has(entry)) rmSync(join(workspace, entry), { recursive: true, force: true });
  }
  for (const entry of readdirSync(from)) cpSync(join(from, entry), join(workspace, entry), { recursive: true, verbatimSymlinks: true });
}
