import type { SlashCommand } from './types.js';

export const setCommand: SlashCommand = {
  name: 'set',
  aliases: [],
  usage: '/set NAME VALUE',
  description: 'set a cross-workflow variable',
  action: (args, ctx) => {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s+([\s\S]+)$/.exec(args.trim());
    return m ? { kind: 'message', text: ctx.setVariable(m[1] ?? '', m[2] ?? '') } : { kind: 'message', text: 'usage: /set NAME VALUE (a name of letters, digits and _)' };
  },
};
