import type BetterSqlite3 from 'better-sqlite3';
import { eventAttempt, eventStep, type EventBody, type RunEvent } from '../core/events.js';
import { applyEvent, type RunState } from '../core/runState.js';
import type { Masker } from '../core/secrets.js';
import { storeError, type Store } from './open.js';

export interface EventLogOptions {
  /** Buffered events are written at least this often. */
  flushIntervalMs?: number;
  /** A batch this large is written at once. */
  maxBatch?: number;
  /** A snapshot of the folded state every this many events, so resume need not replay the whole log. */
  checkpointEvery?: number;
  onError?: (e: Error) => void;
}

/**
 * The append-only log of one run. `append` folds the event into the live state at once and
 * buffers it; buffered events are written in one transaction together with the status tables they
 * change, so the tables can never disagree with the log. Callers `flush()` before anything the
 * outside world sees (spawning a process, exiting).
 */
export class EventLog {
  readonly state: RunState;
  private buffer: RunEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sinceCheckpoint = 0;
  /** The database the log writes to (the engine renews the run's lease there). */
  readonly store: Store;
  private readonly opts: Required<Omit<EventLogOptions, 'onError'>> & Pick<EventLogOptions, 'onError'>;
  private readonly statements: ReturnType<typeof prepare>;
  private readonly writeBatch: (events: RunEvent[]) => void;
  private listeners: ((e: RunEvent, state: RunState) => void)[] = [];
  private masker: Masker | undefined;

  constructor(store: Store, state: RunState, options: EventLogOptions = {}) {
    this.store = store;
    this.state = state;
    this.opts = { flushIntervalMs: 25, maxBatch: 2000, checkpointEvery: 5000, ...options };
    this.statements = prepare(store.sqlite);
    // IMMEDIATE: the write lock is taken (or waited for, up to the busy timeout) before anything is
    // read, so another baton's commit in between can never fail the batch with SQLITE_BUSY.
    const batch = store.sqlite.transaction((events: RunEvent[]) => this.write(events));
    this.writeBatch = (events) => batch.immediate(events);
  }

  /** Listeners see every event after it is folded (the CLI's progress lines, later the UI). */
  subscribe(listener: (e: RunEvent, state: RunState) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /**
   * From now on every event is masked before anything sees it: the state it folds into, its
   * listeners (the screen) and SQLite all get `***` where a secret's value was.
   */
  mask(masker: Masker): void {
    this.masker = masker.active ? masker : undefined;
  }

  /** What mask() set, if anything: the secret values of the run. */
  get masking(): Masker | undefined {
    return this.masker;
  }

  append(body: EventBody): RunEvent {
    const event = { ...(this.masker ? this.masker.deep(body) : body), seq: this.state.lastSeq + 1, ts: Date.now() };
    applyEvent(this.state, event);
    this.buffer.push(event);
    for (const l of this.listeners) l(event, this.state);
    if (this.buffer.length >= this.opts.maxBatch) this.flush();
    else this.timer ??= setTimeout(() => this.flushQuietly(), this.opts.flushIntervalMs);
    return event;
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    try {
      this.writeBatch(batch);
    } catch (e) {
      this.buffer = batch.concat(this.buffer);
      throw storeError(e, this.store.path);
    }
  }

  private flushQuietly(): void {
    this.timer = undefined;
    try {
      this.flush();
    } catch (e) {
      this.opts.onError?.(e as Error);
    }
  }

  private write(events: RunEvent[]): void {
    const s = this.statements;
    const run = this.state;
    const steps = new Set<string>();
    const attempts = new Set<string>();
    let ownerChanged = false;
    for (const e of events) {
      if (e.type === 'run.started' || e.type === 'run.resumed') ownerChanged = true;
      const step = eventStep(e);
      const attempt = eventAttempt(e);
      s.insertEvent.run(run.id, e.seq, e.ts, e.type, step ?? null, attempt ?? null, JSON.stringify(e));
      if (e.type === 'run.created') for (const id of run.order) steps.add(id);
      if (step !== undefined) {
        steps.add(step);
        if (attempt !== undefined && e.type !== 'step.retrying') attempts.add(`${step}\u0000${attempt}`);
      }
    }
    const last = events[events.length - 1] as RunEvent;
    s.updateRun.run(run.status, run.startedAt ?? null, run.finishedAt ?? null, run.reason ?? null, last.seq, run.id);
    // The owner columns change with the lease (runs.ts claimLease) or with the event that names a
    // new owner; a resume's first batches still carry the dead owner in the folded state, which
    // must not overwrite the lease it has just taken.
    if (ownerChanged) s.updateOwner.run(run.owner?.pid ?? null, run.owner?.host ?? null, run.id);
    for (const id of steps) {
      const st = run.steps[id];
      if (!st) continue;
      s.upsertStep.run(
        run.id, id, run.order.indexOf(id), st.command ?? null, st.status, st.attempts.length, JSON.stringify(st.outputs),
        st.startedAt ?? null, st.finishedAt ?? null, st.durationMs ?? null, st.error ?? null, st.reason ?? null,
      );
    }
    for (const key of attempts) {
      const [id, n] = key.split('\u0000') as [string, string];
      const a = run.steps[id]?.attempts[Number(n) - 1];
      if (!a) continue;
      s.upsertAttempt.run(run.id, id, a.n, a.status, a.agent, a.pid ?? null, a.exitCode ?? null, a.startedAt, a.finishedAt ?? null, a.workdir, a.logPath, a.error ?? null);
    }
    this.sinceCheckpoint += events.length;
    if (this.sinceCheckpoint >= this.opts.checkpointEvery) {
      s.insertCheckpoint.run(run.id, last.seq, JSON.stringify(run), Date.now());
      this.sinceCheckpoint = 0;
    }
  }
}

function prepare(sqlite: BetterSqlite3.Database) {
  return {
    insertEvent: sqlite.prepare('insert into events (run_id, seq, ts, type, step_id, attempt, data) values (?, ?, ?, ?, ?, ?, ?)'),
    updateRun: sqlite.prepare('update runs set status = ?, started_at = ?, finished_at = ?, reason = ?, last_seq = ? where id = ?'),
    updateOwner: sqlite.prepare('update runs set owner_pid = ?, owner_host = ? where id = ?'),
    upsertStep: sqlite.prepare(
      `insert into steps (run_id, step_id, position, command, status, attempts, outputs, started_at, finished_at, duration_ms, error, reason)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (run_id, step_id) do update set status = excluded.status, attempts = excluded.attempts, outputs = excluded.outputs,
         started_at = excluded.started_at, finished_at = excluded.finished_at, duration_ms = excluded.duration_ms,
         error = excluded.error, reason = excluded.reason`,
    ),
    upsertAttempt: sqlite.prepare(
      `insert into attempts (run_id, step_id, attempt, status, agent, pid, exit_code, started_at, finished_at, workdir, log_path, error)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (run_id, step_id, attempt) do update set status = excluded.status, pid = excluded.pid, exit_code = excluded.exit_code,
         finished_at = excluded.finished_at, error = excluded.error`,
    ),
    insertCheckpoint: sqlite.prepare('insert or replace into checkpoints (run_id, seq, state, created_at) values (?, ?, ?, ?)'),
  };
}
