import type { SlashCommand } from './types.js';

const SHOWN = 20;

export const historyCommand: SlashCommand = {
  name: 'history',
  aliases: [],
  usage: '/history [N]',
  description: 'the last inputs of this project (Up and Down bring them back)',
  action: (args, ctx) => {
    const n = Number(args.trim() || SHOWN);
    if (!Number.isInteger(n) || n <= 0) return { kind: 'message', text: 'usage: /history [N] (N a positive number)' };
    const entries = ctx.loadHistory().slice(0, n).reverse();
    if (entries.length === 0) return { kind: 'message', text: 'no history yet' };
    const width = String(entries.length).length;
    return { kind: 'message', text: entries.map((e, i) => `${String(i + 1).padStart(width)}  ${e.replace(/\n/g, ' ⏎ ')}`).join('\n') };
  },
};
