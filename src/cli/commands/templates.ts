import { loadProject } from '../context.js';
import { dim, table } from '../format.js';
import type { Subcommand } from './types.js';

export const templatesCommand: Subcommand = {
  name: 'templates',
  usage: 'baton templates [--json]',
  summary: 'list workflow templates a step can run with uses: (built-in and .baton/templates/)',
  run(_args, opts) {
    const project = loadProject(opts);
    const defs = [...project.templates.templates.values()].sort((a, b) => a.name.localeCompare(b.name));
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ templates: defs.map((t) => ({ name: t.name, description: t.description ?? '', params: t.params, outputs: Object.keys(t.outputs), steps: t.steps.map((s) => s.id), source: t.source })), warnings: project.templates.warnings })}\n`);
      return Promise.resolve(0);
    }
    const rows = defs.map((t) => [
      t.name,
      Object.entries(t.params)
        .map(([k, p]) => (p.required && p.default === undefined ? k : `${k}?`))
        .join(', '),
      Object.keys(t.outputs).join(', '),
      t.description ?? '',
    ]);
    process.stdout.write(rows.length ? `${table(['template', 'params', 'outputs', 'description'], rows)}\n` : 'no templates: add YAML workflows to .baton/templates/\n');
    for (const w of project.templates.warnings) process.stdout.write(`${dim('not loaded:')} ${w}\n`);
    return Promise.resolve(project.templates.warnings.length > 0 ? 2 : 0);
  },
};
