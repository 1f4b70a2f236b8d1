import { readFileSync } from 'node:fs';

/** Sends a signal to a whole process group; false when the group is already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the process group `pgid` still runs the attempt it was recorded for. After a reboot the
 * number may belong to someone else; on Linux the leader's command line names the attempt's exit
 * file, so a stranger is never signalled. Elsewhere we trust the recorded id.
 */
export function groupRunsAttempt(pgid: number, marker: string): boolean {
  if (!signalGroup(pgid, 0)) return false;
  try {
    return readFileSync(`/proc/${pgid}/cmdline`, 'utf8').includes(marker);
  } catch {
    return process.platform !== 'linux';
  }
}

/** SIGTERM, then SIGKILL after `graceMs` if anything in the group survives. Resolves when it is gone. */
export async function terminateGroup(pgid: number, graceMs: number): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    if (!signalGroup(pgid, 0)) return;
  }
  signalGroup(pgid, 'SIGKILL');
  for (let i = 0; i < 40 && signalGroup(pgid, 0); i++) await new Promise((r) => setTimeout(r, 25));
}
