import { existsSync } from 'node:fs';
import { ValidationError } from '../../core/errors.js';
import { dbPath } from '../../store/open.js';
import { RunRepository } from '../../store/runs.js';
import { loadProject, withStore } from '../context.js';
import { dim } from '../format.js';
import { planFrom, questions, stepLines } from '../request.js';
import { renderPlan, summarizePlan } from '../planView.js';
import { warnRegistry } from './run.js';
import type { Subcommand } from './types.js';

export const planCommand: Subcommand = {
  name: 'plan',
  usage: 'baton plan FILE|"REQUEST" [--json]',
  summary: 'plan a file or a request in plain English: its DAG, parallel levels and critical path',
  async run(args, opts) {
    if (args.length === 0) throw new ValidationError('baton plan needs a plan file or a request', [], 'e.g. baton plan examples/pipeline.yaml, or baton plan "train a random forest on iris"');
    const project = loadProject(opts);
    warnRegistry(project);
    const planned = planFrom(args, project, process.cwd());
    // Estimates come from past runs when this project has any; planning never creates a store.
    const history = existsSync(dbPath(project.dir))
      ? await withStore(project.dir, false, (store) => new RunRepository(store).durationHistory())
      : new Map<string, number>();
    if (planned.kind === 'request') {
      if (opts.json) process.stdout.write(`${JSON.stringify(planned.result)}\n`);
      else {
        if (planned.plan) process.stdout.write(`${renderPlan(planned.plan, history)}\n`);
        else if (planned.result.steps.length) process.stdout.write(`${stepLines(planned.result)}\n`);
        process.stdout.write(dim(`confidence ${planned.result.confidence}\n`));
        if (planned.result.clarifications.length) process.stdout.write(`${questions(planned.result)}\n`);
      }
      return 0;
    }
    if (opts.json) process.stdout.write(`${JSON.stringify({ ...summarizePlan(planned.plan, history), source: planned.source })}\n`);
    else process.stdout.write(`${renderPlan(planned.plan, history)}\n`);
    return 0;
  },
};
