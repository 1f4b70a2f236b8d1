import type { SlashCommand } from './types.js';

export const runCommand: SlashCommand = {
  name: 'run',
  aliases: [],
  usage: '/run TEXT|FILE|TEMPLATE [NAME=VALUE…]',
  description: 'plan a request, a plan file or a workflow template, and ask to run it',
  action: (args) => (args.trim() ? { kind: 'plan', request: args.trim(), run: true } : { kind: 'message', text: 'usage: /run examples/pipeline.yaml, or /run train a random forest on iris' }),
};
