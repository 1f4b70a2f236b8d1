import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../core/errors.js';
import { resolvePlan } from '../../core/planCheck.js';
import { dbPath } from '../../store/open.js';
import { RunRepository } from '../../store/runs.js';
import { loadProject, withStore } from '../context.js';
import { loadPlanFile } from '../planFile.js';
import { renderPlan, summarizePlan } from '../planView.js';
import { warnRegistry } from './run.js';
import type { Subcommand } from './types.js';

export const planCommand: Subcommand = {
  name: 'plan',
  usage: 'baton plan FILE [--json]',
  summary: 'validate a plan and show its DAG, parallel levels and critical path',
  async run(args, opts) {
    const file = args[0];
    if (file === undefined) throw new ValidationError('baton plan needs a plan file', [], 'e.g. baton plan examples/pipeline.yaml');
    const project = loadProject(opts);
    warnRegistry(project);
    const loaded = loadPlanFile(file, process.cwd());
    const plan = resolvePlan(loaded.plan, project.catalog, loaded.source);
    // Estimates come from past runs when this project has any; planning never creates a store.
    const history = existsSync(dbPath(project.dir))
      ? await withStore(project.dir, false, (store) => new RunRepository(store).durationHistory())
      : new Map<string, number>();
    if (opts.json) process.stdout.write(`${JSON.stringify({ ...summarizePlan(plan, history), source: join(loaded.source) })}\n`);
    else process.stdout.write(`${renderPlan(plan, history)}\n`);
    return 0;
  },
};
