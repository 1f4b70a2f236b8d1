import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { errorMessage } from '../core/errors.js';
import type { RunningStep, StepResult } from './executor.js';
import { LocalExecutor } from './local.js';
import { CONTROL_CHANNEL, HEARTBEAT_MS, PREFIX, cancelKey, connectRedis, queuesServed, type StepJobData, type StepProgress } from './queueProtocol.js';
import { removeWorker, writeHeartbeat } from './queueRegistry.js';
import { Watchdog } from './queueWatchdog.js';

export interface QueueWorkerOptions {
  redis: string;
  name?: string;
  capabilities: string[];
  resources: string[];
  concurrency: number;
  /** How long a job's lock lasts without renewal: a dead worker's steps are retried after about twice this. */
  lockMs: number;
  log(line: string): void;
}

/** Output lines are sent back in batches, at most this many at a time (the log file has them all). */
const LINE_BATCH = 500;
const FLUSH_MS = 100;
const IDLE_MAX_MS = 200;

interface Active {
  job: Job<StepJobData>;
  token: string;
  worker: Worker;
  handle?: RunningStep;
  pgid?: number;
  /** Set when this worker is being stopped: the job fails, so the coordinator retries the step elsewhere. */
  abandoned?: boolean;
}

/** How long a stopping worker waits on Redis (its fetch in flight, its goodbyes) before it goes anyway. */
const STOP_REDIS_MS = 3000;

/** Waits for `p`, or `ms` at most. */
function within(p: Promise<unknown> | undefined, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  if (!p) return Promise.resolve();
  return Promise.race([p.then(() => undefined, () => undefined), new Promise<void>((r) => (timer = setTimeout(r, ms)))]).finally(() => clearTimeout(timer));
}

/**
 * `baton worker`: takes steps from the queues of its capabilities and resource tags, at most
 * `concurrency` at a time across all of them, and runs each with the LocalExecutor, exactly as
 * `baton run` does on one machine. Jobs are fetched by hand (BullMQ's manual processing) because
 * one limit spans several queues; locks are renewed here and stalled jobs detected by BullMQ.
 */
export class QueueWorker {
  readonly name: string;
  private client: Redis | undefined;
  private subscriber: Redis | undefined;
  private workers: Worker[] = [];
  private readonly active = new Map<string, Active>();
  private readonly local = new LocalExecutor();
  private readonly watchdog = new Watchdog();
  private readonly startedAt = Date.now();
  private timers: NodeJS.Timeout[] = [];
  private done = 0;
  private stopping = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly o: QueueWorkerOptions) {
    this.name = o.name ?? `${hostname()}-${process.pid}`;
  }

  get queues(): string[] {
    return queuesServed(this.o.capabilities, this.o.resources);
  }

  async start(): Promise<void> {
    const client = await connectRedis(this.o.redis);
    this.client = client;
    const subscriber = client.duplicate();
    this.subscriber = subscriber;
    subscriber.on('error', () => undefined);
    await subscriber.subscribe(CONTROL_CHANNEL);
    subscriber.on('message', (_channel, message) => this.control(message));
    const opts = { connection: client, prefix: PREFIX, autorun: false, name: this.name, lockDuration: this.o.lockMs, stalledInterval: Math.max(500, Math.round(this.o.lockMs / 2)), maxStalledCount: 0 };
    this.workers = this.queues.map((q) => new Worker(q, null, opts));
    for (const w of this.workers) w.on('error', (e) => this.o.log(`queue ${w.name}: ${errorMessage(e)}`));
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
    // Any worker of a queue finds the jobs whose worker died, whether or not it is busy itself.
    for (const w of this.workers) void w.startStalledCheckTimer();
    await this.heartbeat();
    this.timers.push(setInterval(() => void this.heartbeat(), HEARTBEAT_MS));
    this.timers.push(setInterval(() => void this.renewLocks(), Math.max(250, Math.round(this.o.lockMs / 3))));
    this.loop = this.fetchLoop();
  }

  /** Stops taking jobs; `force` stops the running steps too (their jobs fail and run elsewhere). */
  async stop(force: boolean): Promise<void> {
    this.stopping = true;
    this.wake?.();
    if (force) {
      for (const a of this.active.values()) {
        a.abandoned = true;
        a.handle?.kill();
      }
    }
    // With Redis gone, a call in flight never returns (ioredis keeps it for a reconnect): the
    // goodbyes to Redis get a few seconds, and the worker stops either way.
    await within(this.loop, STOP_REDIS_MS);
    while (this.active.size > 0) await new Promise((r) => setTimeout(r, 50));
    for (const t of this.timers) clearInterval(t);
    const client = this.client;
    await within(
      Promise.all([...this.workers.map((w) => w.close().catch(() => undefined)), client ? removeWorker(client, this.name).catch(() => undefined) : undefined]),
      STOP_REDIS_MS,
    );
    this.subscriber?.disconnect();
    this.client?.disconnect();
    this.local.dispose();
    this.watchdog.close();
  }

  private async fetchLoop(): Promise<void> {
    let idle = 10;
    let next = 0;
    while (!this.stopping) {
      if (this.active.size >= this.o.concurrency) {
        await new Promise<void>((r) => (this.wake = r));
        continue;
      }
      let got = false;
      // Round robin over the queues, so one busy capability does not starve the others.
      for (let i = 0; i < this.workers.length && this.active.size < this.o.concurrency && !this.stopping; i++) {
        const w = this.workers[(next + i) % this.workers.length] as Worker;
        const token = randomUUID();
        let job: Job<StepJobData> | undefined;
        try {
          job = (await w.getNextJob(token, { block: false })) as Job<StepJobData> | undefined;
        } catch (e) {
          this.o.log(`could not fetch from ${w.name}: ${errorMessage(e)}`);
        }
        if (!job) continue;
        got = true;
        this.run({ job, token, worker: w });
      }
      next = (next + 1) % Math.max(1, this.workers.length);
      idle = got ? 10 : Math.min(idle * 2, IDLE_MAX_MS);
      if (!got) await new Promise<void>((r) => setTimeout(r, idle));
    }
  }

  private run(a: Active): void {
    const id = a.job.id ?? '';
    const { spec } = a.job.data;
    const label = `${spec.runId} ${spec.stepId} (attempt ${spec.attempt})`;
    this.active.set(id, a);
    this.o.log(`${label} started`);
    void this.execute(a)
      .then(
        (result) => {
          this.o.log(`${label} ${typeof result === 'string' ? `failed: ${result}` : result.cancelled ? 'cancelled' : result.timedOut ? 'timed out' : `ended: exit ${result.exitCode ?? result.signal ?? '?'}`}`);
          return this.finish(a, result);
        },
        (e: unknown) => this.fail(a, errorMessage(e)),
      )
      .finally(() => {
        this.active.delete(id);
        this.done++;
        this.wake?.();
        // `baton workers` shows the load as it is, not as it was at the last beat.
        void this.heartbeat();
      });
  }

  private async execute(a: Active): Promise<StepResult | string> {
    const { spec } = a.job.data;
    const id = a.job.id ?? '';
    // BullMQ hands a job whose worker died back with this set: it fails here, unrun, and the
    // coordinator retries the step as a new attempt under its retry policy.
    if (a.job.deferredFailure) return a.job.deferredFailure;
    const how = await this.client?.get(cancelKey(id));
    if (how) return { exitCode: null, signal: null, timedOut: false, cancelled: true, durationMs: 0, outputs: {} };
    const workspace = spec.env.BATON_WORKSPACE;
    if (workspace === undefined || !existsSync(workspace)) {
      return `worker ${this.name} cannot see the run's folder ${workspace ?? spec.cwd}: share the project folder at the same path on every worker`;
    }
    let lines: string[] = [];
    let sending = Promise.resolve();
    const send = (p: StepProgress) => {
      sending = sending.then(() => a.job.updateProgress(p as object)).catch(() => undefined);
    };
    const flush = () => {
      if (lines.length === 0) return;
      send({ lines: lines.slice(0, LINE_BATCH) });
      lines = [];
    };
    const flusher = setInterval(flush, FLUSH_MS);
    try {
      // The step may want to know where it ran; BATON_WORKER is the only thing the worker adds.
      a.handle = this.local.start({ ...spec, env: { ...spec.env, BATON_WORKER: this.name } }, {
        onSpawn: (pgid) => {
          a.pgid = pgid;
          this.watchdog.add(pgid);
          send({ worker: this.name, pid: pgid });
        },
        onLine: (line) => lines.push(line),
      });
      // A cancel that arrived while the job was being fetched.
      if ((await this.client?.get(cancelKey(id))) === 'kill') a.handle.kill();
      const result = await a.handle.result;
      flush();
      await sending;
      return a.abandoned ? `worker ${this.name} was stopped while it ran` : result;
    } finally {
      clearInterval(flusher);
      if (a.pgid !== undefined) this.watchdog.remove(a.pgid);
    }
  }

  private async finish(a: Active, result: StepResult | string): Promise<void> {
    if (typeof result === 'string') return this.fail(a, result);
    try {
      await a.job.moveToCompleted(result, a.token, false);
    } catch (e) {
      this.o.log(`${a.job.id ?? ''}: could not report its result: ${errorMessage(e)}`);
    }
  }

  private async fail(a: Active, reason: string): Promise<void> {
    try {
      await a.job.moveToFailed(new Error(reason), a.token, false);
    } catch (e) {
      this.o.log(`${a.job.id ?? ''}: could not report its failure: ${errorMessage(e)}`);
    }
  }

  private control(message: string): void {
    let m: { jobId?: unknown; how?: unknown };
    try {
      m = JSON.parse(message) as typeof m;
    } catch {
      return;
    }
    const a = typeof m.jobId === 'string' ? this.active.get(m.jobId) : undefined;
    if (!a?.handle) return; // not ours, or not started: the cancel key stops it before it starts
    if (m.how === 'kill') a.handle.kill();
    else a.handle.cancel();
  }

  /**
   * One call per queue renews the locks of its running jobs. A lock that could not be renewed
   * means the queue already gave the job up (to be run elsewhere): its step is stopped here.
   */
  private async renewLocks(): Promise<void> {
    for (const w of this.workers) {
      const mine = [...this.active.values()].filter((a) => a.worker === w && a.job.id !== undefined);
      if (mine.length === 0) continue;
      try {
        const lost = await w.extendJobLocks(
          mine.map((a) => a.job.id as string),
          mine.map((a) => a.token),
          this.o.lockMs,
        );
        for (const id of lost) {
          const a = this.active.get(id);
          if (!a) continue;
          this.o.log(`${id}: lost its lock (Redis unreachable too long?); stopping the step, it runs elsewhere`);
          a.abandoned = true;
          a.handle?.kill();
        }
      } catch (e) {
        this.o.log(`could not renew locks on ${w.name}: ${errorMessage(e)}`);
      }
    }
  }

  private async heartbeat(): Promise<void> {
    if (!this.client) return;
    const jobs = [...this.active.values()].map((a) => `${a.job.data.spec.runId}/${a.job.data.spec.stepId}#${a.job.data.spec.attempt}`);
    try {
      await writeHeartbeat(this.client, {
        name: this.name,
        host: hostname(),
        pid: process.pid,
        capabilities: this.o.capabilities,
        resources: this.o.resources,
        concurrency: this.o.concurrency,
        jobs,
        done: this.done,
        startedAt: this.startedAt,
        heartbeatAt: Date.now(),
      });
    } catch {
      // Redis away: the next beat tries again.
    }
  }
}


