import { existsSync, lstatSync, readlinkSync, realpathSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatonError } from '../core/errors.js';

/** The package's own folder (where commands/ and package.json live), from src/ or dist/src/ alike. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'commands'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('cannot find the baton package folder');
}

export function builtinCommandsDir(): string {
  return join(packageRoot(), 'commands');
}

/** The project's state folder: `.baton/` in the project directory, like `.git`. */
export function stateDir(projectDir: string): string {
  return join(projectDir, '.baton');
}

/** A file or folder Baton would read or write outside the folder it belongs in. */
export class PathEscapeError extends BatonError {}

/** True when `path` is `root` or lies under it, by name alone: `..` counts, symbolic links are not followed. */
export function isWithin(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(root, path));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

// More links than this in one path is a loop (Linux gives up at 40 as well).
const MAX_LINKS = 40;

/**
 * Where `path` really leads: every symbolic link followed, even a dangling one (writing through
 * it would create its target), and the part that does not exist yet taken as it would be created.
 */
export function realLocation(path: string, links = 0): string {
  const abs = resolve(path);
  // lstat without throwing: a missing path is the common case (a folder about to be created), and exceptions are slow.
  let stat: Stats | undefined;
  try {
    stat = lstatSync(abs, { throwIfNoEntry: false });
  } catch {
    // A loop of links or an unsearchable folder above it: found out one part at a time.
  }
  if (stat === undefined) {
    const parent = dirname(abs);
    return parent === abs ? abs : join(realLocation(parent, links), basename(abs));
  }
  if (!stat.isSymbolicLink()) return realpathSync.native(abs);
  if (links >= MAX_LINKS) throw new PathEscapeError(`${path} is a loop of symbolic links`, 'remove the link');
  // Followed by hand rather than by realpath, which fails on a dangling link and on a loop.
  return realLocation(resolve(dirname(abs), readlinkSync(abs)), links + 1);
}

/** True when `path`, its links followed, stays inside `root` (its own links followed too). */
export function isInside(root: string, path: string): boolean {
  return isWithin(realLocation(root), realLocation(path));
}

/**
 * `path`, when it stays inside `root` once `..` and symbolic links are resolved; otherwise a
 * one-line PathEscapeError naming `what` and where it leads. The one check every file name that
 * comes from a plan, a command file, a template or a step's arguments goes through before Baton
 * or a built-in step writes there.
 */
export function containedPath(root: string, path: string, what: string, hint = 'keep it inside; remove the symbolic link or the .. that leads out'): string {
  if (!isWithin(root, path)) throw new PathEscapeError(`${what} (${path}) is outside ${root}`, hint);
  const real = realLocation(path);
  if (!isWithin(realLocation(root), real)) throw new PathEscapeError(`${what} (${path}) leads outside ${root}, to ${real}, through a symbolic link`, hint);
  return path;
}
