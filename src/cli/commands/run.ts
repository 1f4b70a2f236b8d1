import { createInterface } from 'node:readline/promises';
import { ValidationError } from '../../core/errors.js';
import { createdEvent } from '../../core/events.js';
import { resolvePlan, type ResolvedPlan } from '../../core/planCheck.js';
import { emptyRun } from '../../core/runState.js';
import { EventLog } from '../../store/eventLog.js';
import { RunRepository } from '../../store/runs.js';
import { loadProject, withStore, type Project } from '../context.js';
import { executeRun } from '../execute.js';
import { dim } from '../format.js';
import { loadPlanFile } from '../planFile.js';
import { renderPlan } from '../planView.js';
import type { Subcommand } from './types.js';

async function approve(plan: ResolvedPlan, project: Project): Promise<boolean> {
  process.stdout.write(`${renderPlan(plan, new Map())}\n\n`);
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    process.stdout.write(dim('not run: pass --yes to run it without asking\n'));
    return false;
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await rl.question(`Run it on ${project.dir}? (y)es / (n)o `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

export function warnRegistry(project: Project): void {
  for (const w of project.registry.warnings) process.stderr.write(`baton: warning: ${w} (the other commands still load)\n`);
  for (const w of project.templates.warnings) process.stderr.write(`baton: warning: ${w} (the other templates still load)\n`);
}

export const runCommand: Subcommand = {
  name: 'run',
  usage: 'baton run FILE [--yes] [--parallel N] [--json]',
  summary: 'validate a plan file and run it',
  async run(args, opts) {
    const file = args[0];
    if (file === undefined) throw new ValidationError('baton run needs a plan file', [], 'e.g. baton run examples/pipeline.yaml --yes');
    const project = loadProject(opts);
    warnRegistry(project);
    const loaded = loadPlanFile(file, process.cwd());
    const plan = resolvePlan(loaded.plan, project.catalog, loaded.source);
    if (!opts.yes && !(await approve(plan, project))) return 0;
    return withStore(project.dir, true, async (store) => {
      const stored = { plan, source: loaded.source, baseDir: loaded.baseDir };
      const runId = await new RunRepository(store).createRun(stored);
      const log = new EventLog(store, emptyRun(runId));
      log.append(createdEvent(plan));
      return executeRun(project, store, log, stored, 'start', opts);
    });
  },
};
