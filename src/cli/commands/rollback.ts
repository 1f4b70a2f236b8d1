import { ValidationError } from '../../core/errors.js';
import { loadProject, withStore } from '../context.js';
import { printOutcome, printProgress } from '../execute.js';
import { dim } from '../format.js';
import { rollbackRun } from '../rollbackRun.js';
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
      const { log, result } = await rollbackRun(project, store, id, opts.to, {
        start: (log, planned) => {
          if (opts.json) return;
          printProgress(log);
          process.stdout.write(dim(planned.length ? `undoing ${planned.join(', ')} (latest first)\n` : 'no completed step after that point has an undo\n'));
        },
      });
      printOutcome(log.state, log.state.status, opts);
      return result.ok ? 0 : 1;
    });
  },
};
