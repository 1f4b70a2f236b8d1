import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HEARTBEAT_MS, LEASE_MS, RELEASED } from '../../src/core/lease.js';
import type { ResolvedPlan } from '../../src/core/planCheck.js';
import { takeLease } from '../../src/engine/lease.js';
import { openStore, type Store } from '../../src/store/open.js';
import { RunRepository } from '../../src/store/runs.js';
import { tempProject, waitFor } from '../helpers/cli.js';

const plan = { name: 'beat', vars: {}, env: {}, resources: {}, params: {}, outputs: {}, steps: [] } as unknown as ResolvedPlan;

let store: Store | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await store?.close();
  store = undefined;
});

function leaseOf(s: Store, runId: string) {
  return s.sqlite.prepare('select owner_pid, lease_until, heartbeat_at from runs where id = ?').get(runId) as { owner_pid: number; lease_until: number; heartbeat_at: number };
}

describe('the heartbeat', () => {
  it('renews the lease; a renewal another process blocks is retried at the next beat, reported once, and never stalls the caller', async () => {
    const dir = tempProject();
    store = await openStore(dir, { create: true });
    const s = store;
    const runId = await new RunRepository(s).createRun({ plan, source: 'test', baseDir: dir });
    const warnings: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      warnings.push(String(chunk));
      return true;
    });

    const lease = takeLease(s, runId, 'wait');
    const taken = leaseOf(s, runId);
    expect(taken.owner_pid).toBe(process.pid);
    expect(taken.lease_until - taken.heartbeat_at).toBe(LEASE_MS);
    await waitFor(() => leaseOf(s, runId).heartbeat_at > taken.heartbeat_at, HEARTBEAT_MS * 3, 'a renewal');

    // Another process holds the write lock across two beats.
    const other = new Database(s.path);
    other.exec('begin immediate');
    const blockedFrom = leaseOf(s, runId).heartbeat_at;
    const loopLag: number[] = [];
    const until = Date.now() + HEARTBEAT_MS * 2 + 500;
    while (Date.now() < until) {
      const t = Date.now();
      await new Promise((r) => setTimeout(r, 50));
      loopLag.push(Date.now() - t - 50);
    }
    other.exec('rollback');
    other.close();
    expect(warnings.filter((w) => w.includes(`could not renew the lease of run ${runId}`))).toHaveLength(1);
    // A blocked renewal gives up after 250 ms rather than the 5 s busy timeout.
    expect(Math.max(...loopLag)).toBeLessThan(1500);
    expect(leaseOf(s, runId).heartbeat_at).toBe(blockedFrom);

    await waitFor(() => leaseOf(s, runId).heartbeat_at > blockedFrom, HEARTBEAT_MS * 3, 'a renewal after the lock');
    lease.release();
    expect(leaseOf(s, runId).lease_until).toBe(RELEASED);
  }, 20_000);
});
