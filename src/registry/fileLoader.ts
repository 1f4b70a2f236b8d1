import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { errorMessage } from '../core/errors.js';

/**
 * Loads every file of a folder whose name matches, keyed by the name each parses to. A file that
 * does not parse becomes one warning line, and the others still load.
 */
export function loadFolder<T extends { name: string }>(
  dir: string,
  matches: (file: string) => boolean,
  parse: (text: string, shownPath: string) => T,
  into: Map<string, T>,
  warnings: string[],
  displayBase: string,
): void {
  if (!existsSync(dir)) return;
  for (const file of readdirSync(dir).filter(matches).sort()) {
    const path = join(dir, file);
    try {
      const def = parse(readFileSync(path, 'utf8'), relative(displayBase, path) || path);
      into.set(def.name, def);
    } catch (e) {
      warnings.push(errorMessage(e));
    }
  }
}
