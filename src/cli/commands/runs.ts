import { formatDuration } from '../../core/duration.js';
import { runDriven } from '../../engine/lease.js';
import { RunRepository, type RunRow } from '../../store/runs.js';
import { withStore } from '../context.js';
import { ago, colorStatus, table } from '../format.js';
import type { Subcommand } from './types.js';

/** A run recorded as running that no live baton holds (crashed, or its lease ran out) shows as interrupted. */
export function rowStatus(r: RunRow): string {
  if (r.status === 'running' && r.owner_pid !== null && !runDriven(r.id, r)) return 'interrupted';
  return r.status;
}

export const runsCommand: Subcommand = {
  name: 'runs',
  usage: 'baton runs [--limit N] [--json]',
  summary: 'list runs, newest first',
  async run(_args, opts) {
    const rows = await withStore(opts.dir, false, (store) => new RunRepository(store).listRuns(opts.limit ?? 20));
    if (opts.json) {
      const list = rows.map((r) => ({ run: r.id, name: r.name, status: rowStatus(r), createdAt: r.created_at, finishedAt: r.finished_at }));
      process.stdout.write(`${JSON.stringify(list)}\n`);
      return 0;
    }
    if (rows.length === 0) {
      process.stdout.write('no runs yet: baton run FILE --yes starts one\n');
      return 0;
    }
    const body = rows.map((r) => [
      r.id,
      r.name,
      colorStatus(rowStatus(r)),
      ago(r.created_at),
      r.started_at !== null ? formatDuration((r.finished_at ?? Date.now()) - r.started_at) : '',
      r.reason ?? '',
    ]);
    process.stdout.write(`${table(['run', 'name', 'status', 'created', 'took', 'note'], body)}\n`);
    return 0;
  },
};
