import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { processAlive } from '../executors/processGroup.js';

/**
 * Whether the baton process that owns a run is still alive. Another host's process cannot be
 * checked, so it counts as alive here: only its lease can tell (lease.ts `runDriven` and
 * `takeLease` decide with both). A reused pid that is not a node process running baton does not count.
 */
export function ownerAlive(pid: number, host: string): boolean {
  if (host !== hostname()) return true;
  if (pid === process.pid) return false;
  if (!processAlive(pid)) return false;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /baton|cli\.js/.test(cmdline);
  } catch {
    return process.platform !== 'linux';
  }
}
