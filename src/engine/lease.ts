import { hostname } from 'node:os';
import { BatonError, errorMessage } from '../core/errors.js';
import { HEARTBEAT_MS, leaseDecision, leaseHeld, RunInUseError, type Holder, type LeaseRow } from '../core/lease.js';
import type { Store } from '../store/open.js';
import { RunRepository } from '../store/runs.js';
import { ownerAlive } from './ownership.js';

/** A renewal waits this long at most for another process's write; the next heartbeat tries again. */
const RENEW_WAIT_MS = 250;
/**
 * A lease taken before an engine drives the run (a resume settling what was in flight) is renewed
 * this long at most: one that a command left behind when it stopped early, in a REPL that lives
 * on, lapses instead of holding the run for the rest of the session.
 */
const UNDRIVEN_MS = 2 * 60_000;

/** The leases this process holds, by database and run, so taking a run twice keeps one heartbeat. */
const held = new Map<string, Lease>();

export function thisProcess(): Holder {
  return { pid: process.pid, host: hostname() };
}

/**
 * This process's hold on a run: renewed every HEARTBEAT_MS until released. A renewal is one small
 * UPDATE that waits at most RENEW_WAIT_MS; one that fails is tried again at the next beat and
 * reported once, never thrown into the run.
 */
export class Lease {
  private timer: NodeJS.Timeout | undefined;
  private driven = false;
  private troubled = false;
  private readonly since = Date.now();
  private onLost: ((e: BatonError) => void) | undefined;

  constructor(
    private readonly runs: RunRepository,
    readonly runId: string,
    private readonly key: string,
  ) {
    this.timer = setInterval(() => this.renew(), HEARTBEAT_MS);
    // The heartbeat never keeps a finished command alive.
    this.timer.unref();
  }

  /** An engine drives the run now: renew until released; `lost` hears if another process takes it over. */
  drive(lost?: (e: BatonError) => void): this {
    this.driven = true;
    if (lost) this.onLost = lost;
    return this;
  }

  /** Gives the run back, so another baton may take it at once. Never throws. */
  release(): void {
    this.stop();
    try {
      if (this.runs.store.sqlite.open) this.runs.releaseLease(this.runId, thisProcess());
    } catch {
      // The lease runs out by itself within LEASE_MS, and this process's death frees it on this host.
    }
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (held.get(this.key) === this) held.delete(this.key);
  }

  private renew(): void {
    if (!this.runs.store.sqlite.open || (!this.driven && Date.now() - this.since > UNDRIVEN_MS)) {
      this.stop();
      return;
    }
    let kept: boolean;
    try {
      kept = this.runs.renewLease(this.runId, thisProcess(), RENEW_WAIT_MS);
    } catch (e) {
      if (!this.troubled) warn(`could not renew the lease of run ${this.runId} (${errorMessage(e)}); trying again every ${HEARTBEAT_MS / 1000} s`);
      this.troubled = true;
      return;
    }
    this.troubled = false;
    if (kept) return;
    this.stop();
    const lost = new BatonError(
      `run ${this.runId} was taken over by another baton after this one could not renew its lease; this baton stopped driving it`,
      `\`baton status ${this.runId}\` shows who runs it now`,
    );
    if (this.onLost) this.onLost(lost);
    else warn(lost.message);
  }
}

function warn(message: string): void {
  process.stderr.write(`baton: warning: ${message}\n`);
}

/**
 * Takes the run for this process, or throws RunInUseError (exit code 2) naming the baton that
 * drives it. Taking a run this process already holds keeps its lease and heartbeat.
 */
export function takeLease(store: Store, runId: string, whatToDo: string): Lease {
  const runs = new RunRepository(store);
  const me = thisProcess();
  const decision = runs.claimLease(runId, me, (row, now) => leaseDecision(row, now, me, (pid) => ownerAlive(pid, me.host)));
  if (!decision.take) throw new RunInUseError(runId, decision.owner, decision.renewedAgoMs, whatToDo);
  const key = `${store.path}\u0000${runId}`;
  let lease = held.get(key);
  if (!lease) {
    lease = new Lease(runs, runId, key);
    held.set(key, lease);
  }
  return lease;
}

/**
 * Whether some baton drives the run now, this process included: a run recorded as running that
 * nobody drives was interrupted (its baton crashed, or its lease ran out on another host).
 */
export function runDriven(runId: string, row: LeaseRow, now = Date.now()): boolean {
  const host = hostname();
  const heldHere = () => [...held.values()].some((l) => l.runId === runId);
  return leaseHeld(row, now, host, (pid) => (pid === process.pid ? heldHere() : ownerAlive(pid, host)));
}
