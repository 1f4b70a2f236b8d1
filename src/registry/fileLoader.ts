import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { errorMessage } from '../core/errors.js';
import { isInside, realLocation } from './paths.js';

/**
 * Loads every file of a folder whose name matches, keyed by the name each parses to. A file that
 * does not parse becomes one warning line, and the others still load. The folder and its files
 * must stay inside `base` (the project, or the package for the built-ins): a symbolic link that
 * leads out, to a file anyone could have put there, is refused like a file that does not parse.
 */
export function loadFolder<T extends { name: string }>(
  dir: string,
  matches: (file: string) => boolean,
  parse: (text: string, shownPath: string) => T,
  into: Map<string, T>,
  warnings: string[],
  base: string,
): void {
  if (!existsSync(dir)) return;
  const shown = (path: string) => relative(base, path) || path;
  if (!isInside(base, dir)) {
    warnings.push(`${shown(dir)} is a symbolic link to ${realLocation(dir)}, outside ${base}: none of its files loaded; copy them in instead`);
    return;
  }
  let files: string[];
  try {
    files = readdirSync(dir).filter(matches).sort();
  } catch (e) {
    warnings.push(`${shown(dir)} cannot be read (${errorMessage(e)})`);
    return;
  }
  for (const file of files) {
    const path = join(dir, file);
    try {
      const problem = unsafeFile(path, base);
      if (problem !== undefined) {
        warnings.push(`${shown(path)} ${problem}`);
        continue;
      }
      const def = parse(readFileSync(path, 'utf8'), shown(path));
      into.set(def.name, def);
    } catch (e) {
      warnings.push(errorMessage(e));
    }
  }
}

/** Why a listed file must not be read, if it must not: it leads out of `base`, or is no regular file (a FIFO would hang the read). */
function unsafeFile(path: string, base: string): string | undefined {
  const real = realLocation(path);
  if (!isInside(base, real)) return `is a symbolic link to ${real}, outside ${base}: not loaded; copy the file in instead`;
  let isFile: boolean;
  try {
    isFile = statSync(real).isFile();
  } catch {
    return `is a symbolic link to ${real}, which does not exist: not loaded`;
  }
  return isFile ? undefined : 'is not a regular file: not loaded';
}
