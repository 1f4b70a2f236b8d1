import { didYouMean } from '../../core/similar.js';
import { clearCommand } from './clear.js';
import { logsCommand } from './logs.js';
import { agentsCommand } from './agents.js';
import { varsCommand } from './vars.js';
import { setCommand } from './set.js';
import { configCommand } from './config.js';
import { templatesCommand } from './templates.js';
import { helpCommand } from './help.js';
import { planCommand } from './plan.js';
import { quitCommand } from './quit.js';
import { runCommand } from './run.js';
import { resumeCommand } from './resume.js';
import { runsCommand } from './runs.js';
import { sessionsCommand } from './sessions.js';
import { statusCommand } from './status.js';
import { approveCommand } from './approve.js';
import { cancelCommand } from './cancel.js';
import { historyCommand } from './history.js';
import { retryCommand } from './retry.js';
import { rollbackCommand } from './rollback.js';
import type { SlashCommand } from './types.js';

export const BUILTIN_COMMANDS: SlashCommand[] = [
  helpCommand,
  planCommand,
  runCommand,
  approveCommand,
  cancelCommand,
  statusCommand,
  logsCommand,
  agentsCommand,
  runsCommand,
  sessionsCommand,
  resumeCommand,
  retryCommand,
  rollbackCommand,
  varsCommand,
  setCommand,
  configCommand,
  templatesCommand,
  historyCommand,
  clearCommand,
  quitCommand,
];

/** `/plan train a model` → { name: 'plan', args: 'train a model' }; anything else is not a command. */
export function parseSlashCommand(text: string): { name: string; args: string } | undefined {
  const m = /^\/([\w?-]+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  return m ? { name: (m[1] ?? '').toLowerCase(), args: (m[2] ?? '').trim() } : undefined;
}

export function findSlashCommand(name: string): { command: SlashCommand } | { error: string } {
  const command = BUILTIN_COMMANDS.find((c) => c.name === name || c.aliases.includes(name));
  if (command) return { command };
  const hint = didYouMean(name, BUILTIN_COMMANDS.map((c) => c.name));
  return { error: `unknown command /${name}${hint ? ` (${hint.replace('"', '"/')})` : ''}; /help lists them` };
}

/** Completions for Tab: the commands whose name starts with what was typed. */
export function complete(text: string): string[] {
  const parsed = parseSlashCommand(text);
  if (!parsed || text.includes(' ')) return [];
  return BUILTIN_COMMANDS.filter((c) => c.name.startsWith(parsed.name)).map((c) => `/${c.name}`);
}
