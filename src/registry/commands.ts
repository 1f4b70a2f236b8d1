import { join } from 'node:path';
import type { CommandDef } from '../core/command.js';
import { parseCommandFile } from './commandFile.js';
import { loadFolder } from './fileLoader.js';
import { builtinCommandsDir, stateDir } from './paths.js';

export interface CommandRegistry {
  commands: Map<string, CommandDef>;
  /** One line per file that did not load; the others still do. */
  warnings: string[];
}

/** Built-in commands, then the project's `.baton/commands/*.md`, which add to or replace them by name. */
export function loadCommands(projectDir: string): CommandRegistry {
  const commands = new Map<string, CommandDef>();
  const warnings: string[] = [];
  const markdown = (f: string) => f.endsWith('.md');
  loadFolder(builtinCommandsDir(), markdown, parseCommandFile, commands, warnings, builtinCommandsDir());
  loadFolder(join(stateDir(projectDir), 'commands'), markdown, parseCommandFile, commands, warnings, projectDir);
  return { commands, warnings };
}
