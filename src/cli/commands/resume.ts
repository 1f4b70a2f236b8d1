import { ValidationError } from '../../core/errors.js';
import { recoverInFlight } from '../../engine/recovery.js';
import { EventLog } from '../../store/eventLog.js';
import { RunRepository } from '../../store/runs.js';
import { loadProject, withStore } from '../context.js';
import { createExecutor } from '../executorChoice.js';
import { executeRun, printOutcome, maskRunLog } from '../execute.js';
import { runToChange } from '../runAccess.js';
import { dim } from '../format.js';
import type { Subcommand } from './types.js';

export const resumeCommand: Subcommand = {
  name: 'resume',
  usage: 'baton resume RUN [--parallel N] [--executor local|queue] [--redis URL] [--json]',
  summary: 'continue an interrupted, cancelled or failed run; succeeded steps never run again',
  async run(args, opts) {
    const id = args[0];
    if (id === undefined) throw new ValidationError('baton resume needs a run id', [], '`baton runs` lists them');
    const project = loadProject(opts);
    return withStore(project.dir, false, async (store) => {
      const runs = new RunRepository(store);
      const { row, state } = await runToChange(runs, id, 'wait for it to finish, or stop that baton and resume again');
      if (state.status === 'succeeded') {
        if (!opts.json) process.stdout.write(`run ${row.id} already succeeded; nothing to resume\n`);
        printOutcome(state, 'succeeded', opts);
        return 0;
      }
      const stored = await runs.loadPlan(row.id);
      const log = new EventLog(store, state);
      maskRunLog(log, stored.plan, project.dir);
      const executor = await createExecutor(project.config.config);
      const onFollow = (step: string, attempt: number) => {
        if (!opts.json) process.stdout.write(dim(`${step} (attempt ${attempt}) is queued or running on a worker: waiting for it\n`));
      };
      let recovered;
      try {
        recovered = await recoverInFlight(log, stored.plan, project.dir, project.config.config.killGraceMs, { executor, onFollow });
      } catch (e) {
        executor.dispose();
        throw e;
      }
      if (!opts.json) {
        for (const r of recovered) {
          const what = r.outcome === 'killed' ? 'was still running: stopped it, it runs again' : r.outcome === 'finished' ? 'had finished while baton was down: kept its result' : r.outcome === 'followed' ? 'ran on its worker to the end: kept its result' : 'was interrupted: it runs again';
          process.stdout.write(dim(`${r.step} (attempt ${r.attempt}) ${what}\n`));
        }
      }
      return executeRun(project, store, log, stored, 'resume', opts, executor);
    });
  },
};
