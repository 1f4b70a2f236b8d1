import { readdirSync, readFileSync } from 'node:fs';

/** Sends a signal to a whole process group; false when the group is already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Signals a step's process group; just after its start, before `setsid` has made the group, its
 * future leader, which holds the same number. False when neither exists any more: the step ended.
 */
export function signalStep(pgid: number, signal: NodeJS.Signals): boolean {
  if (signalGroup(pgid, signal)) return true;
  try {
    process.kill(pgid, signal);
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

/** The processes of a group, from /proc (Linux); without zombies when `running`. */
function groupMembers(pgid: number, running = false): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The fields after the command name (which may hold spaces) start with: state ppid pgrp.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && !(running && fields[0] === 'Z')) members.push(Number(entry));
    } catch {
      // Gone while we looked.
    }
  }
  return members;
}

/**
 * Whether the process group `pgid` still runs the attempt it was recorded for. After a reboot the
 * number may belong to someone else; on Linux a member's environment must hold the attempt's own
 * `marker` (its BATON_OUTPUT), so a stranger is never signalled. Elsewhere the recorded id is trusted.
 */
export function groupRunsAttempt(pgid: number, marker: string): boolean {
  if (!signalGroup(pgid, 0)) return false;
  if (process.platform !== 'linux') return true;
  return groupMembers(pgid).some((pid) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(marker);
    } catch {
      return false;
    }
  });
}

/**
 * Whether anything in the group still runs. A zombie does not: it is dead, waiting for its parent
 * (often init, for a step's orphans, which may take its time) to collect it, yet it keeps the group
 * signallable.
 */
function groupRunning(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  return process.platform !== 'linux' || groupMembers(pgid, true).length > 0;
}

/** SIGTERM, then SIGKILL after `graceMs` if anything in the group survives. Resolves when it is gone. */
export async function terminateGroup(pgid: number, graceMs: number): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    if (!groupRunning(pgid)) return;
  }
  signalGroup(pgid, 'SIGKILL');
  for (let i = 0; i < 40 && groupRunning(pgid); i++) await new Promise((r) => setTimeout(r, 25));
}
