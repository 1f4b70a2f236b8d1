import type { SlashCommand } from './types.js';

export const cancelCommand: SlashCommand = {
  name: 'cancel',
  aliases: ['stop'],
  usage: '/cancel',
  description: 'cancel the run in progress (resumable) and drop the plans queued after it',
  action: () => ({ kind: 'cancel' }),
};
