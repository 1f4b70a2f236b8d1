import { join } from 'node:path';
import { containedPath, PathEscapeError } from '../../registry/paths.js';
import { BadInputError } from './errors.js';
import type { StepContext } from './protocol.js';

/**
 * `path` when it stays inside `root` once `..` and symbolic links are resolved; otherwise bad
 * input (exit 2). Built-in steps read the user's files from anywhere, but write only here.
 */
export function insideOrRefuse(root: string, path: string, what: string): string {
  try {
    return containedPath(root, path, what);
  } catch (e) {
    if (e instanceof PathEscapeError) throw new BadInputError(`${e.message}; ${e.hint ?? 'keep it inside'}`);
    throw e;
  }
}

/** A file in this step's artifacts folder, refused if a link there (or a name with ..) leads out of the workspace. */
export function artifactFile(ctx: StepContext, name: string): string {
  return insideOrRefuse(ctx.workspace, join(ctx.artifactsDir(), name), `artifact ${name}`);
}
