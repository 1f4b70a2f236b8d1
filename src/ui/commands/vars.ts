import type { SlashCommand } from './types.js';

export const varsCommand: SlashCommand = {
  name: 'vars',
  aliases: [],
  usage: '/vars',
  description: 'cross-workflow variables (${{ store.NAME }})',
  action: (_args, ctx) => ({ kind: 'message', text: ctx.varsText() }),
};
