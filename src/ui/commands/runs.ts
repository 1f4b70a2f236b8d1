import type { SlashCommand } from './types.js';

export const runsCommand: SlashCommand = {
  name: 'runs',
  aliases: [],
  usage: '/runs',
  description: 'the runs of this project, newest first',
  action: async (_args, ctx) => ({ kind: 'message', text: await ctx.runsText() }),
};
