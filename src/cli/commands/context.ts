import { existsSync } from 'node:fs';
import { formatDuration } from '../../core/duration.js';
import { scanProject } from '../../registry/projectScan.js';
import { dbPath } from '../../store/open.js';
import { RunRepository, type CommandHistory } from '../../store/runs.js';
import { loadProject, withStore } from '../context.js';
import { bold, dim, table } from '../format.js';
import type { Subcommand } from './types.js';

const size = (bytes: number) => (bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MB` : bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} B`);

export const contextCommand: Subcommand = {
  name: 'context',
  usage: 'baton context [--json]',
  summary: 'what Baton sees in this project: frameworks, training scripts, datasets, the machine, and run history',
  async run(_args, opts) {
    const project = loadProject(opts);
    const scan = scanProject(project.dir);
    const history: CommandHistory[] = existsSync(dbPath(project.dir)) ? await withStore(project.dir, false, (store) => new RunRepository(store).commandHistory()) : [];
    const { parallel } = project.config.config;
    const parallelFrom = project.config.sources.parallel;
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ ...scan, parallel: { value: parallel, from: parallelFrom }, history })}\n`);
      return 0;
    }
    const out: string[] = [];
    const { cores, memoryGb, gpus } = scan.resources;
    out.push(`${bold('machine')}  ${cores} cores, ${memoryGb} GB${gpus.length ? `, ${gpus.map((g) => `${g.name} (${Math.round(g.memoryMb / 1024)} GB)`).join(', ')}` : ', no GPU'}; steps at once: ${parallel} ${dim(`(${parallelFrom})`)}`);
    out.push(`${bold('languages')}  ${scan.languages.length ? scan.languages.map((l) => `${l.name} (${l.files})`).join(', ') : 'none found'}`);
    out.push(`${bold('frameworks')}  ${scan.frameworks.length ? scan.frameworks.map((f) => `${f.name} ${dim(`(${f.evidence})`)}`).join(', ') : 'none found'}`);
    if (scan.scripts.length) {
      out.push(bold('training scripts'));
      for (const s of scan.scripts) out.push(`  ${s.path}${s.frameworks.length ? ` ${dim(`(${s.frameworks.join(', ')})`)}` : ''}${s.flags.length ? `  ${s.flags.join(' ')}` : ''}`);
      out.push(dim(`  a request to train offers to run ${scan.scripts[0]?.path ?? ''} as a shell step${scan.python ? ` with ${scan.python}` : ' (no python on PATH)'}`));
    }
    out.push(`${bold('datasets')}  ${scan.datasets.length ? scan.datasets.slice(0, 10).map((d) => `${d.path} ${dim(size(d.bytes))}`).join(', ') : 'none found (the samples iris, penguins and others work anywhere)'}`);
    if (history.length) {
      out.push(bold('history'));
      out.push(table(['command', 'steps', 'mean time', 'failed'], history.map((h) => [h.command, String(h.steps), h.meanMs === undefined ? '' : formatDuration(h.meanMs), `${Math.round(h.failureRate * 100)}%`])));
      out.push(dim('  estimates come from these times; ready steps with longer remaining paths start first'));
    }
    process.stdout.write(`${out.join('\n')}\n`);
    return 0;
  },
};
