import { BatonError } from './errors.js';

/** The owner renews its lease this often. */
export const HEARTBEAT_MS = 2000;
/**
 * A lease lasts this long past its last renewal: several missed heartbeats (a busy disk, a slow
 * machine) before another host may take the run over.
 */
export const LEASE_MS = 15_000;
/** `lease_until` of a lease its owner gave back (the run ended, or it stopped driving it). */
export const RELEASED = 0;

/** What the runs table says about who drives a run. */
export interface LeaseRow {
  owner_pid: number | null;
  owner_host: string | null;
  /** ms since the epoch; RELEASED, or null for a run recorded before leases existed. */
  lease_until: number | null;
  heartbeat_at: number | null;
  status: string;
}

export interface Holder {
  pid: number;
  host: string;
}

export type LeaseDecision =
  | { take: true; why: 'free' | 'mine' | 'released' | 'owner dead' | 'lease expired' }
  | { take: false; owner: Holder; renewedAgoMs: number | undefined };

/**
 * Whether `me` may take a run now. An owner on this host is judged by its process (`alive`): a dead
 * one is taken over at once. Another host's process cannot be seen, so only its lease speaks for it:
 * it holds the run until the lease runs out. A live local owner that stopped renewing (hung, or
 * suspended) lets go when its lease runs out too; it notices at its next renewal and stops.
 */
export function leaseDecision(row: LeaseRow, now: number, me: Holder, alive: (pid: number) => boolean): LeaseDecision {
  if (row.owner_pid === null || row.owner_host === null) return { take: true, why: 'free' };
  const owner = { pid: row.owner_pid, host: row.owner_host };
  if (owner.pid === me.pid && owner.host === me.host) return { take: true, why: 'mine' };
  if (row.lease_until === RELEASED) return { take: true, why: 'released' };
  const local = owner.host === me.host;
  if (local && !alive(owner.pid)) return { take: true, why: 'owner dead' };
  const refuse = { take: false as const, owner, renewedAgoMs: row.heartbeat_at === null ? undefined : Math.max(0, now - row.heartbeat_at) };
  if (row.lease_until === null) {
    // Recorded before leases: as before them, a live local owner of a running run holds it, and a
    // remote one, which no baton of this version can be, holds nothing.
    return local && row.status === 'running' ? refuse : { take: true, why: 'lease expired' };
  }
  return row.lease_until > now ? refuse : { take: true, why: 'lease expired' };
}

/** Whether somebody drives the run right now (for `interrupted` in `baton runs` and `baton status`). */
export function leaseHeld(row: LeaseRow, now: number, host: string, alive: (pid: number) => boolean): boolean {
  // Pid 0 is nobody's: the question is whether any holder, this process included, has the run.
  return !leaseDecision(row, now, { pid: 0, host }, alive).take;
}

/** Another baton drives the run: the one-line refusal, exit code 2. */
export class RunInUseError extends BatonError {
  constructor(runId: string, owner: Holder, renewedAgoMs: number | undefined, whatToDo: string) {
    const renewed = renewedAgoMs === undefined ? '' : ` (lease renewed ${Math.round(renewedAgoMs / 1000)} s ago)`;
    super(`run ${runId} is running in pid ${owner.pid} on ${owner.host}${renewed}`, `${whatToDo}; \`baton status ${runId}\` shows how far it got`);
  }
}
