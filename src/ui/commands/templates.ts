import type { SlashCommand } from './types.js';

export const templatesCommand: SlashCommand = {
  name: 'templates',
  aliases: [],
  usage: '/templates',
  description: 'workflow templates a step can run with uses:',
  action: (_args, ctx) => ({ kind: 'message', text: ctx.templatesText() }),
};
