import type { SlashCommand } from './types.js';

export const clearCommand: SlashCommand = {
  name: 'clear',
  aliases: ['cls'],
  usage: '/clear',
  description: 'clear the screen (the session keeps its history)',
  action: () => ({ kind: 'clear' }),
};
