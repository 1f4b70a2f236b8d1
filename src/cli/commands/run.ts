import { createInterface } from 'node:readline/promises';
import { ValidationError } from '../../core/errors.js';
import { createdEvent } from '../../core/events.js';
import type { ResolvedPlan } from '../../core/planCheck.js';
import { emptyRun } from '../../core/runState.js';
import { EventLog } from '../../store/eventLog.js';
import { runSecrets } from '../../registry/secrets.js';
import { RunRepository } from '../../store/runs.js';
import { loadProject, withStore, type Project } from '../context.js';
import { executeRun } from '../execute.js';
import { createExecutor } from '../executorChoice.js';
import { dim } from '../format.js';
import { blocking, planFrom, questions } from '../request.js';
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
  usage: 'baton run FILE|"REQUEST" [--yes] [--parallel N] [--executor local|queue] [--redis URL] [--json]',
  summary: 'plan a file or a request in plain English, then run it',
  async run(args, opts) {
    if (args.length === 0) throw new ValidationError('baton run needs a plan file or a request', [], 'e.g. baton run examples/pipeline.yaml --yes, or baton run "train a random forest on iris" --yes');
    const project = loadProject(opts);
    warnRegistry(project);
    const planned = planFrom(args, project, process.cwd());
    if (planned.kind === 'request' && (blocking(planned.result) || !planned.plan)) {
      process.stderr.write(`${questions(planned.result)}\n`);
      throw new ValidationError('the request needs an answer before it can run', [], 'add what is asked to the request, or write a plan file');
    }
    const plan = planned.plan as ResolvedPlan;
    // Before anything is written: a run that would stop at its first secret never starts.
    runSecrets(plan, process.env, project.dir);
    if (!opts.yes && !(await approve(plan, project))) return 0;
    // Before the run is created: an unreachable Redis stops here, with nothing to clean up.
    const executor = await createExecutor(project.config.config);
    try {
      return await withStore(project.dir, true, async (store) => {
        const stored = { plan, source: planned.source, baseDir: planned.baseDir };
        const runId = await new RunRepository(store).createRun(stored);
        const log = new EventLog(store, emptyRun(runId));
        log.append(createdEvent(plan));
        return executeRun(project, store, log, stored, 'start', opts, executor);
      });
    } finally {
      executor.dispose();
    }
  },
};
