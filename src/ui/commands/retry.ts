import type { SlashCommand } from './types.js';

export const retryCommand: SlashCommand = {
  name: 'retry',
  aliases: [],
  usage: '/retry STEP',
  description: 'run a failed or cancelled step again (during a run, at once; after it, the run resumes from there)',
  action: (args) => {
    const step = args.trim();
    return step && !/\s/.test(step) ? { kind: 'retry', step } : { kind: 'message', text: 'usage: /retry STEP (a step of the current or last run; /status lists them)' };
  },
};
