import type { SlashCommand } from './types.js';

export const helpCommand: SlashCommand = {
  name: 'help',
  aliases: ['?', 'h'],
  usage: '/help [command]',
  description: 'list the commands, or explain one',
  action: async (args) => {
    const { BUILTIN_COMMANDS, findSlashCommand } = await import('./index.js');
    const name = args.trim().replace(/^\//, '');
    if (name) {
      const found = findSlashCommand(name);
      if ('command' in found) return { kind: 'message', text: `${found.command.usage}\n  ${found.command.description}` };
      return { kind: 'message', text: found.error };
    }
    const width = Math.max(...BUILTIN_COMMANDS.map((c) => c.usage.length));
    const lines = BUILTIN_COMMANDS.map((c) => `  ${c.usage.padEnd(width)}  ${c.description}`);
    return { kind: 'message', text: ['Type a request in plain English, or a command:', ...lines, 'Keys: ? on an empty input line lists them (Tab focuses the panes of a run).'].join('\n') };
  },
};
