import type { SlashCommand } from './types.js';

export const quitCommand: SlashCommand = {
  name: 'quit',
  aliases: ['exit', 'q'],
  usage: '/quit',
  description: 'leave Baton (Ctrl-D does too)',
  action: () => ({ kind: 'quit' }),
};
