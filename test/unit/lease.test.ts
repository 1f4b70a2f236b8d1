import { describe, expect, it } from 'vitest';
import { LEASE_MS, RELEASED, RunInUseError, leaseDecision, leaseHeld, type LeaseRow } from '../../src/core/lease.js';

const NOW = 1_700_000_000_000;
const me = { pid: 100, host: 'here' };
const alive = (pids: number[]) => (pid: number) => pids.includes(pid);
const row = (over: Partial<LeaseRow>): LeaseRow => ({ owner_pid: 200, owner_host: 'here', lease_until: NOW + LEASE_MS, heartbeat_at: NOW - 1000, status: 'running', ...over });

describe('leaseDecision', () => {
  it('takes a run nobody owns, one it owns already, and one whose owner released it', () => {
    expect(leaseDecision(row({ owner_pid: null, owner_host: null }), NOW, me, alive([200]))).toEqual({ take: true, why: 'free' });
    expect(leaseDecision(row({ owner_pid: 100 }), NOW, me, alive([]))).toEqual({ take: true, why: 'mine' });
    expect(leaseDecision(row({ lease_until: RELEASED }), NOW, me, alive([200]))).toEqual({ take: true, why: 'released' });
  });

  it('refuses a live local owner with a fresh lease, naming it and how long ago it renewed', () => {
    expect(leaseDecision(row({}), NOW, me, alive([200]))).toEqual({ take: false, owner: { pid: 200, host: 'here' }, renewedAgoMs: 1000 });
  });

  it('takes a run over at once when its local owner is dead, however fresh its lease', () => {
    expect(leaseDecision(row({ lease_until: NOW + 60_000 }), NOW, me, alive([]))).toEqual({ take: true, why: 'owner dead' });
  });

  it('judges another host only by its lease: refused while fresh, taken once expired', () => {
    const remote = row({ owner_host: 'other-host' });
    // Pid 200 is alive here, but that is some other process: a remote pid says nothing.
    expect(leaseDecision(remote, NOW, me, alive([200])).take).toBe(false);
    expect(leaseDecision(remote, NOW, me, alive([])).take).toBe(false);
    expect(leaseDecision({ ...remote, lease_until: NOW - 1 }, NOW, me, alive([200]))).toEqual({ take: true, why: 'lease expired' });
    expect(leaseDecision({ ...remote, lease_until: NOW }, NOW, me, alive([200])).take).toBe(true);
  });

  it('lets a live local owner that stopped renewing lose the run when its lease runs out', () => {
    expect(leaseDecision(row({ lease_until: NOW - 1 }), NOW, me, alive([200]))).toEqual({ take: true, why: 'lease expired' });
  });

  it('treats a run from before leases as before: a live local owner of a running run holds it, nothing else does', () => {
    const legacy = row({ lease_until: null, heartbeat_at: null });
    expect(leaseDecision(legacy, NOW, me, alive([200]))).toEqual({ take: false, owner: { pid: 200, host: 'here' }, renewedAgoMs: undefined });
    expect(leaseDecision({ ...legacy, status: 'failed' }, NOW, me, alive([200])).take).toBe(true);
    expect(leaseDecision({ ...legacy, owner_host: 'other-host' }, NOW, me, alive([200])).take).toBe(true);
  });
});

describe('leaseHeld', () => {
  it('is what `baton runs` shows: held while driven, not once the owner died or the lease ran out', () => {
    expect(leaseHeld(row({}), NOW, 'here', alive([200]))).toBe(true);
    expect(leaseHeld(row({}), NOW, 'here', alive([]))).toBe(false);
    expect(leaseHeld(row({ owner_host: 'other-host' }), NOW, 'here', alive([]))).toBe(true);
    expect(leaseHeld(row({ owner_host: 'other-host', lease_until: NOW - 1 }), NOW, 'here', alive([]))).toBe(false);
    expect(leaseHeld(row({ lease_until: RELEASED }), NOW, 'here', alive([200]))).toBe(false);
  });
});

describe('RunInUseError', () => {
  it('is one line with the pid, the host and the last renewal, a hint, and exit code 2', () => {
    const e = new RunInUseError('4f2a', { pid: 1234, host: 'box' }, 1400, 'wait for it to finish');
    expect(e.message).toBe('run 4f2a is running in pid 1234 on box (lease renewed 1 s ago)');
    expect(e.hint).toBe('wait for it to finish; `baton status 4f2a` shows how far it got');
    expect(e.exitCode).toBe(2);
  });
});
