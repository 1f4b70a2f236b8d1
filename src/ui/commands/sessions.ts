import type { SlashCommand } from './types.js';

export const sessionsCommand: SlashCommand = {
  name: 'sessions',
  aliases: [],
  usage: '/sessions',
  description: 'the sessions of this project (baton --resume ID picks one up)',
  action: async (_args, ctx) => ({ kind: 'message', text: await ctx.sessionsText() }),
};
