import { randomBytes } from 'node:crypto';
import { NotFoundError } from '../core/errors.js';
import { LEASE_MS, RELEASED, type Holder, type LeaseDecision, type LeaseRow } from '../core/lease.js';
import type { RunEvent } from '../core/events.js';
import type { ResolvedPlan } from '../core/planCheck.js';
import { emptyRun, foldEvents, type RunState } from '../core/runState.js';
import { BUSY_TIMEOUT_MS, storeError, type Store } from './open.js';

export interface StoredPlan {
  plan: ResolvedPlan;
  source: string;
  baseDir: string;
}

export interface RunRow {
  id: string;
  name: string;
  status: string;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  owner_pid: number | null;
  owner_host: string | null;
  lease_until: number | null;
  heartbeat_at: number | null;
  reason: string | null;
}

const ROW_COLUMNS = ['id', 'name', 'status', 'created_at', 'started_at', 'finished_at', 'owner_pid', 'owner_host', 'lease_until', 'heartbeat_at', 'reason'] as const;

export function newId(): string {
  return randomBytes(4).toString('hex');
}

/** Reads and creates runs. Writes to a live run go through its EventLog. */
export class RunRepository {
  constructor(readonly store: Store) {}

  async createRun(stored: StoredPlan, sessionId: string | null = null): Promise<string> {
    const runId = newId();
    const planId = newId();
    const now = Date.now();
    try {
      await this.store.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('plans')
          .values({ id: planId, session_id: sessionId, name: stored.plan.name, source: stored.source, base_dir: stored.baseDir, spec: JSON.stringify(stored.plan), created_at: now })
          .execute();
        await trx
          .insertInto('runs')
          .values({ id: runId, plan_id: planId, session_id: sessionId, name: stored.plan.name, status: 'pending', created_at: now, started_at: null, finished_at: null, owner_pid: null, owner_host: null, lease_until: null, heartbeat_at: null, reason: null })
          .execute();
      });
    } catch (e) {
      throw storeError(e, this.store.path);
    }
    return runId;
  }

  async listRuns(limit = 20): Promise<RunRow[]> {
    return this.store.db
      .selectFrom('runs')
      .select(ROW_COLUMNS)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  /** A run by its id or a unique prefix of it, as git takes commits. */
  async findRun(idOrPrefix: string): Promise<RunRow> {
    const pattern = idOrPrefix.replace(/[%_\\]/g, '') + '%';
    const rows = await this.store.db
      .selectFrom('runs')
      .select(ROW_COLUMNS)
      .where('id', 'like', pattern)
      .limit(5)
      .execute();
    const exact = rows.find((r) => r.id === idOrPrefix);
    if (exact) return exact;
    if (rows.length === 0) throw new NotFoundError(`no run "${idOrPrefix}"`, '`baton runs` lists the runs of this project');
    if (rows.length > 1) throw new NotFoundError(`"${idOrPrefix}" matches several runs (${rows.map((r) => r.id).join(', ')})`, 'give more characters of the id');
    return rows[0] as RunRow;
  }

  /**
   * Takes the run's lease for `me` if `decide` allows it, atomically: the row is read and updated
   * in one IMMEDIATE transaction (a write lock from the start, so two processes taking at the same
   * moment queue on the busy timeout instead of both reading the old owner), and the update only
   * applies to the row as it was read. Returns the decision, which names the owner on refusal.
   */
  claimLease(runId: string, me: Holder, decide: (row: LeaseRow, now: number) => LeaseDecision): LeaseDecision {
    const sqlite = this.store.sqlite;
    const claim = sqlite.transaction((): LeaseDecision => {
      const row = sqlite.prepare('select owner_pid, owner_host, lease_until, heartbeat_at, status from runs where id = ?').get(runId) as LeaseRow | undefined;
      if (!row) throw new NotFoundError(`no run "${runId}"`, '`baton runs` lists the runs of this project');
      const now = Date.now();
      const decision = decide(row, now);
      if (!decision.take) return decision;
      const changed = sqlite
        .prepare(
          `update runs set owner_pid = ?, owner_host = ?, lease_until = ?, heartbeat_at = ?
           where id = ? and owner_pid is ? and owner_host is ? and lease_until is ?`,
        )
        .run(me.pid, me.host, now + LEASE_MS, now, runId, row.owner_pid, row.owner_host, row.lease_until).changes;
      if (changed !== 1) throw new Error(`the lease of run ${runId} changed while it was held locked`);
      return decision;
    });
    try {
      return claim.immediate();
    } catch (e) {
      throw e instanceof NotFoundError ? e : storeError(e, this.store.path);
    }
  }

  /**
   * Extends the lease while `me` still holds it; false when another process has taken the run.
   * Waits for the database at most `waitMs`: a renewal that cannot get in is retried at the next
   * heartbeat rather than holding up the run (better-sqlite3 waits on the event loop's thread).
   */
  renewLease(runId: string, me: Holder, waitMs: number): boolean {
    const sqlite = this.store.sqlite;
    const now = Date.now();
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(waitMs))}`);
    try {
      const stmt = sqlite.prepare('update runs set lease_until = ?, heartbeat_at = ? where id = ? and owner_pid = ? and owner_host = ?');
      return stmt.run(now + LEASE_MS, now, runId, me.pid, me.host).changes === 1;
    } finally {
      sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
  }

  /** Gives the lease back (the run ended or this process stops driving it), so the run is free at once. */
  releaseLease(runId: string, me: Holder): void {
    this.store.sqlite.prepare('update runs set lease_until = ? where id = ? and owner_pid = ? and owner_host = ?').run(RELEASED, runId, me.pid, me.host);
  }

  async loadPlan(runId: string): Promise<StoredPlan> {
    const row = await this.store.db
      .selectFrom('runs')
      .innerJoin('plans', 'plans.id', 'runs.plan_id')
      .select(['plans.spec', 'plans.source', 'plans.base_dir'])
      .where('runs.id', '=', runId)
      .executeTakeFirstOrThrow();
    return { plan: JSON.parse(row.spec) as ResolvedPlan, source: row.source, baseDir: row.base_dir };
  }

  /** The run's state: the latest checkpoint, then the events after it. */
  loadState(runId: string): RunState {
    const sqlite = this.store.sqlite;
    const checkpoint = sqlite.prepare('select seq, state from checkpoints where run_id = ? order by seq desc limit 1').get(runId) as
      | { seq: number; state: string }
      | undefined;
    const from = checkpoint ? (JSON.parse(checkpoint.state) as RunState) : emptyRun(runId);
    const rows = sqlite.prepare('select data from events where run_id = ? and seq > ? order by seq').pluck().iterate(runId, checkpoint?.seq ?? 0);
    return foldEvents(runId, mapIter(rows as Iterable<string>, (d) => JSON.parse(d) as RunEvent), from);
  }

  /** Every event of a run, for `baton status --events` and tests that compare the fold with the tables. */
  events(runId: string): RunEvent[] {
    const rows = this.store.sqlite.prepare('select data from events where run_id = ? order by seq').pluck().all(runId) as string[];
    return rows.map((d) => JSON.parse(d) as RunEvent);
  }

  /** Mean duration of past successful steps per command: the planner's and the scheduler's estimates. */
  async durationHistory(): Promise<Map<string, number>> {
    const rows = await this.store.db
      .selectFrom('steps')
      .select(['command', (eb) => eb.fn.avg<number>('duration_ms').as('mean')])
      .where('status', '=', 'succeeded')
      .where('duration_ms', 'is not', null)
      .where('command', 'is not', null)
      .groupBy('command')
      .execute();
    return new Map(rows.map((r) => [r.command ?? '', Number(r.mean)]));
  }

  /** Per command, over every run of the project: how many steps ended, how long they took, how often they failed. */
  async commandHistory(): Promise<CommandHistory[]> {
    const rows = await this.store.db
      .selectFrom('steps')
      .select([
        'command',
        (eb) => eb.fn.countAll<number>().as('steps'),
        (eb) => eb.fn.avg<number>(eb.case().when('status', '=', 'succeeded').then(eb.ref('duration_ms')).end()).as('mean'),
        (eb) => eb.fn.sum<number>(eb.case().when('status', '=', 'failed').then(1).else(0).end()).as('failed'),
      ])
      .where('command', 'is not', null)
      .where('status', 'in', ['succeeded', 'failed'])
      .groupBy('command')
      .orderBy('command')
      .execute();
    return rows.map((r) => ({ command: r.command ?? '', steps: Number(r.steps), meanMs: r.mean === null ? undefined : Number(r.mean), failureRate: Number(r.steps) ? Number(r.failed) / Number(r.steps) : 0 }));
  }
}

export interface CommandHistory {
  command: string;
  /** Steps of this command that ended, succeeded or failed. */
  steps: number;
  meanMs: number | undefined;
  failureRate: number;
}

function* mapIter<A, B>(items: Iterable<A>, fn: (a: A) => B): Iterable<B> {
  for (const a of items) yield fn(a);
}
