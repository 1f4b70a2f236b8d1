import type { SlashCommand } from './types.js';

export const rollbackCommand: SlashCommand = {
  name: 'rollback',
  aliases: [],
  usage: '/rollback [run] [--to STEP]',
  description: "undo a run's completed steps, latest first, and restore its workspace (the last run without an id)",
  action: (args) => {
    const words = args.split(/\s+/).filter(Boolean);
    const at = words.indexOf('--to');
    const to = at >= 0 ? words[at + 1] : undefined;
    if (at >= 0 && to === undefined) return { kind: 'message', text: 'usage: /rollback [run] [--to STEP]' };
    const rest = at >= 0 ? [...words.slice(0, at), ...words.slice(at + 2)] : words;
    if (rest.length > 1) return { kind: 'message', text: 'usage: /rollback [run] [--to STEP]' };
    return { kind: 'rollback', ...(rest[0] !== undefined ? { run: rest[0] } : {}), ...(to !== undefined ? { to } : {}) };
  },
};
