import type { SlashCommand } from './types.js';

export const statusCommand: SlashCommand = {
  name: 'status',
  aliases: [],
  usage: '/status [run]',
  description: 'the steps of a run (the last one without an id)',
  action: async (args, ctx) => ({ kind: 'message', text: await ctx.statusText(args.trim() || undefined) }),
};
