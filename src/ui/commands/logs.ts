import type { SlashCommand } from './types.js';

export const logsCommand: SlashCommand = {
  name: 'logs',
  aliases: [],
  usage: '/logs STEP [run]',
  description: "the last lines of a step's log (of the last run without an id)",
  action: async (args, ctx) => {
    const [step, run] = args.split(/\s+/).filter(Boolean);
    if (step === undefined) return { kind: 'message', text: 'usage: /logs STEP [run]' };
    return { kind: 'message', text: await ctx.logsText(step, run) };
  },
};
