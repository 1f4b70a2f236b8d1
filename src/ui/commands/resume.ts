import type { SlashCommand } from './types.js';

export const resumeCommand: SlashCommand = {
  name: 'resume',
  aliases: [],
  usage: '/resume [run|session]',
  description: 'continue an interrupted, cancelled or failed run (the interrupted or last one without an id), or go on in another session',
  action: (args) => (args.trim() ? { kind: 'resume', run: args.trim() } : { kind: 'resume' }),
};
