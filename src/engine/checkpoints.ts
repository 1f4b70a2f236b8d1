import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { containedPath } from '../registry/paths.js';
import { NOT_IN_CHECKPOINTS } from './workspace.js';

const HINT = 'remove the symbolic link from the run workspace';

/**
 * Copies the run's workspace (everything but the attempts' files and other checkpoints) into
 * `dest`, so a rollback can bring it back. Symbolic links are copied as links, never followed:
 * a link a step left in its folder cannot pull files from outside the workspace into the copy.
 */
export function saveCheckpoint(workspace: string, dest: string): void {
  // Removing through a linked `checkpoints` folder would delete files outside the workspace.
  containedPath(workspace, dest, 'the checkpoint folder', HINT);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  for (const entry of readdirSync(workspace)) {
    if (NOT_IN_CHECKPOINTS.has(entry)) continue;
    cpSync(join(workspace, entry), join(dest, entry), { recursive: true, dereference: false, verbatimSymlinks: true });
  }
}

/** Puts the workspace back as the checkpoint in `from` saw it (the attempts' logs stay). */
export function restoreCheckpoint(workspace: string, from: string): void {
  if (!existsSync(from)) throw new Error(`the checkpoint ${from} is gone`);
  containedPath(workspace, from, 'the checkpoint folder', HINT);
  for (const entry of readdirSync(workspace)) {
    // rmSync removes a link itself, not what it points to.
    if (!NOT_IN_CHECKPOINTS.has(entry)) rmSync(join(workspace, entry), { recursive: true, force: true });
  }
  for (const entry of readdirSync(from)) cpSync(join(from, entry), join(workspace, entry), { recursive: true, dereference: false, verbatimSymlinks: true });
}
