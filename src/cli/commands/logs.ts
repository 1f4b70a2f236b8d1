import { existsSync, readFileSync } from 'node:fs';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { didYouMean } from '../../core/similar.js';
import { RunRepository } from '../../store/runs.js';
import { withStore } from '../context.js';
import type { Subcommand } from './types.js';

export const logsCommand: Subcommand = {
  name: 'logs',
  usage: 'baton logs RUN STEP [--attempt N]',
  summary: "print a step's log (the latest attempt unless --attempt)",
  async run(args, opts) {
    const [id, stepId] = args;
    if (id === undefined || stepId === undefined) throw new ValidationError('baton logs needs a run id and a step id', [], 'e.g. baton logs 4f2a train');
    return withStore(opts.dir, false, async (store) => {
      const runs = new RunRepository(store);
      const row = await runs.findRun(id);
      const state = runs.loadState(row.id);
      const step = state.steps[stepId];
      if (!step) {
        const hint = didYouMean(stepId, state.order);
        throw new NotFoundError(`run ${row.id} has no step "${stepId}"${hint ? ` (${hint})` : ''}`, `its steps: ${state.order.join(', ')}`);
      }
      const n = opts.attempt ?? step.attempts.length;
      const attempt = step.attempts[n - 1];
      if (!attempt) {
        const why = step.attempts.length === 0 ? `it never ran (${step.status}${step.reason ? `: ${step.reason}` : ''})` : `it has ${step.attempts.length} attempt(s)`;
        throw new NotFoundError(`step ${stepId} has no log for attempt ${n}: ${why}`);
      }
      if (!existsSync(attempt.logPath)) throw new NotFoundError(`the log of ${stepId} attempt ${n} is gone (${attempt.logPath})`);
      process.stdout.write(readFileSync(attempt.logPath));
      return 0;
    });
  },
};
