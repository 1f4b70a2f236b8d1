import { NotFoundError, ValidationError } from '../../core/errors.js';
import { didYouMean } from '../../core/similar.js';
import { stepsToUndo } from '../../engine/rollback.js';
import { EventLog } from '../../store/eventLog.js';
import { RunRepository } from '../../store/runs.js';
import { loadProject, withStore } from '../context.js';
import { createEngine, printOutcome, printProgress } from '../execute.js';
import { runToChange } from '../runAccess.js';
import { dim } from '../format.js';
import type { Subcommand } from './types.js';

export const rollbackCommand: Subcommand = {
  name: 'rollback',
  usage: 'baton rollback RUN [--to STEP] [--json]',
  summary: "run the undo of a run's completed steps in reverse order and restore its workspace checkpoint",
  async run(args, opts) {
    const id = args[0];
    if (id === undefined) throw new ValidationError('baton rollback needs a run id', [], '`baton runs` lists them');
    const project = loadProject(opts);
    return withStore(project.dir, false, async (store) => {
      const runs = new RunRepository(store);
      const { row, state } = await runToChange(runs, id, 'cancel it first, then roll it back');
      const to = opts.to;
      if (to !== undefined && state.steps[to]?.status !== 'succeeded') {
        const hint = didYouMean(to, state.order);
        throw new NotFoundError(`--to ${to}: run ${row.id} has no succeeded step "${to}"${hint ? ` (${hint})` : ''}`, 'roll back to a step that completed');
      }
      const stored = await runs.loadPlan(row.id);
      const log = new EventLog(store, state);
      const { engine, executor } = await createEngine(project, store, log, stored);
      const planned = stepsToUndo(state, new Map(stored.plan.steps.map((s) => [s.id, s])), to);
      if (!opts.json) {
        printProgress(log);
        process.stdout.write(dim(planned.length ? `undoing ${planned.join(', ')} (latest first)\n` : 'no completed step after that point has an undo\n'));
      }
      try {
        const result = await engine.rollback(to !== undefined ? `rolled back to ${to} by hand` : 'rolled back by hand', to);
        printOutcome(log.state, log.state.status, opts);
        return result.ok ? 0 : 1;
      } finally {
        executor.dispose();
      }
    });
  },
};
