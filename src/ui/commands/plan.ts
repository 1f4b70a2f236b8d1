import type { SlashCommand } from './types.js';

export const planCommand: SlashCommand = {
  name: 'plan',
  aliases: [],
  usage: '/plan TEXT',
  description: 'plan a request without running it',
  action: (args) => (args.trim() ? { kind: 'plan', request: args.trim(), run: false } : { kind: 'message', text: 'usage: /plan train a random forest on iris' }),
};
