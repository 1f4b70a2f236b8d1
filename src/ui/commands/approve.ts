import type { SlashCommand } from './types.js';

export const approveCommand: SlashCommand = {
  name: 'approve',
  aliases: ['yes'],
  usage: '/approve',
  description: 'run the plan waiting for an answer (as y at its question)',
  action: () => ({ kind: 'approve' }),
};
