import { loadProject } from '../context.js';
import { dim, table } from '../format.js';
import type { Subcommand } from './types.js';

export const commandsCommand: Subcommand = {
  name: 'commands',
  usage: 'baton commands [--json]',
  summary: 'list the commands plans can use (built-in and .baton/commands/)',
  run(_args, opts) {
    const project = loadProject(opts);
    const defs = [...project.registry.commands.values()].sort((a, b) => a.name.localeCompare(b.name));
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ commands: defs.map(({ help: _help, ...d }) => d), warnings: project.registry.warnings })}\n`);
      return Promise.resolve(0);
    }
    const rows = defs.map((d) => [d.name, d.capability, Object.keys(d.args).join(', '), d.description]);
    process.stdout.write(`${table(['command', 'capability', 'args', 'description'], rows)}\n`);
    for (const w of project.registry.warnings) process.stdout.write(`${dim('not loaded:')} ${w}\n`);
    return Promise.resolve(project.registry.warnings.length > 0 ? 2 : 0);
  },
};
