import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
