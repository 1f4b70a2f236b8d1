import type { SlashCommand } from './types.js';

export const agentsCommand: SlashCommand = {
  name: 'agents',
  aliases: [],
  usage: '/agents',
  description: 'agents, their capabilities, concurrency and circuit breakers',
  action: (_args, ctx) => ({ kind: 'message', text: ctx.agentsText() }),
};
