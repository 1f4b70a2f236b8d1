import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { CommandDef } from '../core/command.js';
import { errorMessage } from '../core/errors.js';
import { parseCommandFile } from './commandFile.js';
import { builtinCommandsDir, stateDir } from './paths.js';

export interface CommandRegistry {
  commands: Map<string, CommandDef>;
  /** One line per file that did not load; the others still do. */
  warnings: string[];
}

function loadDir(dir: string, into: Map<string, CommandDef>, warnings: string[], displayBase: string): void {
  if (!existsSync(dir)) return;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.md')).sort()) {
    const path = join(dir, file);
    const shown = relative(displayBase, path) || path;
    try {
      const def = parseCommandFile(readFileSync(path, 'utf8'), shown);
      into.set(def.name, def);
    } catch (e) {
      warnings.push(errorMessage(e));
    }
  }
}

/** Built-in commands, then the project's `.baton/commands/*.md`, which add to or replace them by name. */
export function loadCommands(projectDir: string): CommandRegistry {
  const commands = new Map<string, CommandDef>();
  const warnings: string[] = [];
  loadDir(builtinCommandsDir(), commands, warnings, builtinCommandsDir());
  loadDir(join(stateDir(projectDir), 'commands'), commands, warnings, projectDir);
  return { commands, warnings };
}
