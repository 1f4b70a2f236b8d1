import { ValidationError } from '../../core/errors.js';
import { effectiveStatus } from '../../core/runState.js';
import { runDriven } from '../../engine/lease.js';
import { RunRepository } from '../../store/runs.js';
import { withStore } from '../context.js';
import { printOutcome } from '../execute.js';
import type { Subcommand } from './types.js';

export const statusCommand: Subcommand = {
  name: 'status',
  usage: 'baton status RUN [--json]',
  summary: 'show the state of a run and its steps',
  async run(args, opts) {
    const id = args[0];
    if (id === undefined) throw new ValidationError('baton status needs a run id', [], '`baton runs` lists them');
    return withStore(opts.dir, false, async (store) => {
      const runs = new RunRepository(store);
      const row = await runs.findRun(id);
      const state = runs.loadState(row.id);
      printOutcome(state, effectiveStatus(state, () => runDriven(row.id, row)), opts);
      return 0;
    });
  },
};
