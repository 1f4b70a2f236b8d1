import type { SlashCommand } from './types.js';

export const configCommand: SlashCommand = {
  name: 'config',
  aliases: [],
  usage: '/config',
  description: 'the effective configuration and where each value came from',
  action: (_args, ctx) => ({ kind: 'message', text: ctx.configText() }),
};
