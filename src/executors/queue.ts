import { existsSync, readFileSync } from 'node:fs';
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { errorMessage } from '../core/errors.js';
import type { AttemptRef, Executor, RunningStep, StepHandlers, StepResult, StepSpec } from './executor.js';
import {
  CONTROL_CHANNEL,
  KEEP_SECONDS,
  PREFIX,
  cancelKey,
  connectRedis,
  jobIdFor,
  queueName,
  queuesServed,
  runJobsKey,
  type StepJobData,
  type StepJobResult,
  type StepProgress,
} from './queueProtocol.js';
import { listWorkers } from './queueRegistry.js';
import { readOutputs } from './outputsFile.js';

/** Jobs whose end was not heard on the queue's events are checked this often (a missed event). */
const POLL_MS = 2000;
const POLL_BATCH = 100;
/** After a worker is lost, how long to wait for its step's wrapper to record the exit code. */
const EXIT_FILE_WAIT_MS = 3000;
const SERVED_CHECK_MS = 5000;

interface Pending {
  id: string;
  queue: string;
  exitFile: string;
  outputPath: string;
  /** The run's secret values, masked in the outputs file if this side reads it. */
  secrets: string[];
  handlers: StepHandlers;
  since: number;
  spawned: boolean;
  cancelRequested: boolean;
  finish(r: StepResult): void;
}

interface QueueSet {
  queue: Queue;
  events: QueueEvents;
  eventsClient: Redis;
  ready: Promise<void>;
}

function errorResult(error: string, since: number): StepResult {
  return { exitCode: null, signal: null, timedOut: false, cancelled: false, durationMs: Date.now() - since, outputs: {}, error };
}

function cancelledResult(since: number): StepResult {
  return { exitCode: null, signal: null, timedOut: false, cancelled: true, durationMs: Date.now() - since, outputs: {} };
}

function readExit(path: string): number | undefined {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return text === '' ? undefined : Number(text);
  } catch {
    return undefined;
  }
}

/**
 * Runs steps on `baton worker`s through BullMQ queues on Redis: one job per attempt, in the queue
 * of the step's capability and resource tags. Workers report the step's process group and output
 * lines as job progress, and its result as the job's return value; the engine cannot tell it from
 * the local executor. Artifacts, logs and outputs files live in the project folder, which every
 * worker must see at the same path (a shared directory).
 */
export class QueueExecutor implements Executor {
  private readonly queues = new Map<string, QueueSet>();
  private readonly pending = new Map<string, Pending>();
  private readonly servedAt = new Map<string, { at: number; ok: boolean }>();
  private readonly warned = new Set<string>();
  private poller: NodeJS.Timeout | undefined;
  private pollFrom = 0;
  private closed = false;

  private constructor(
    private readonly url: string,
    private readonly client: Redis,
  ) {}

  /** Throws a one-line BatonError when Redis cannot be reached. */
  static async connect(url: string): Promise<QueueExecutor> {
    return new QueueExecutor(url, await connectRedis(url));
  }

  start(spec: StepSpec, handlers: StepHandlers): RunningStep {
    const id = jobIdFor(spec.runId, spec.stepId, spec.attempt);
    const name = queueName(spec.capability ?? 'shell', spec.resources ?? []);
    const { pending, step } = this.track(id, name, spec, handlers);
    const data: StepJobData = { spec };
    void (async () => {
      const q = this.queueSet(name);
      await q.ready;
      await this.client.multi().hset(runJobsKey(spec.runId), id, name).expire(runJobsKey(spec.runId), KEEP_SECONDS).exec();
      // The same id again (a resume that raced a worker) is a no-op: BullMQ keeps the first job.
      await q.queue.add('step', data, { jobId: id, attempts: 1, removeOnComplete: { age: KEEP_SECONDS }, removeOnFail: { age: KEEP_SECONDS } });
      if (!(await this.served(name))) {
        const needs = [spec.capability ?? 'shell', ...(spec.resources ?? [])].join(', ');
        handlers.onLine(`::notice no worker takes ${needs} steps yet: it waits in the queue; start one with baton worker --capabilities ${spec.capability ?? 'shell'}${spec.resources?.length ? ` --resources ${spec.resources.join(',')}` : ''}`);
      }
    })().catch((e: unknown) => pending.finish(errorResult(`could not queue it on ${name}: ${errorMessage(e)}`, pending.since)));
    return step;
  }

  async reattach(ref: AttemptRef, handlers: StepHandlers): Promise<RunningStep | undefined> {
    const id = jobIdFor(ref.runId, ref.stepId, ref.attempt);
    const name = await this.client.hget(runJobsKey(ref.runId), id);
    if (name === null) return undefined;
    const q = this.queueSet(name);
    await q.ready;
    const job = (await q.queue.getJob(id)) as Job<StepJobData, StepJobResult> | undefined;
    if (!job) return undefined;
    const { pending, step } = this.track(id, name, ref, handlers);
    await this.check(pending, job);
    return step;
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.poller);
    for (const q of this.queues.values()) {
      void q.events.close().catch(() => undefined);
      void q.queue.close().catch(() => undefined);
      q.eventsClient.disconnect();
    }
    this.client.disconnect();
  }

  private track(id: string, queue: string, files: { exitFile: string; outputPath: string; secrets?: string[] }, handlers: StepHandlers): { pending: Pending; step: RunningStep } {
    let resolve: (r: StepResult) => void = () => undefined;
    const result = new Promise<StepResult>((r) => (resolve = r));
    const pending: Pending = {
      id,
      queue,
      exitFile: files.exitFile,
      outputPath: files.outputPath,
      secrets: files.secrets ?? [],
      handlers,
      since: Date.now(),
      spawned: false,
      cancelRequested: false,
      finish: (r) => {
        if (this.pending.get(id) !== pending) return;
        this.pending.delete(id);
        resolve(r);
      },
    };
    this.pending.set(id, pending);
    this.poller ??= setInterval(() => void this.poll(), POLL_MS);
    const stop = (how: 'cancel' | 'kill') => void this.stop(pending, how).catch(() => undefined);
    return { pending, step: { result, cancel: () => stop('cancel'), kill: () => stop('kill') } };
  }

  /**
   * False once per queue that no live worker consumes, so the user hears why a step waits; the
   * worker list is read at most once per queue every few seconds.
   */
  private async served(name: string): Promise<boolean> {
    const now = Date.now();
    let known = this.servedAt.get(name);
    if (known === undefined || now - known.at > SERVED_CHECK_MS) {
      const workers = await listWorkers(this.client);
      known = { at: now, ok: workers.some((w) => queuesServed(w.capabilities, w.resources).includes(name)) };
      this.servedAt.set(name, known);
    }
    if (known.ok || this.warned.has(name)) return true;
    this.warned.add(name);
    return false;
  }

  private queueSet(name: string): QueueSet {
    let q = this.queues.get(name);
    if (q) return q;
    const queue = new Queue(name, { connection: this.client, prefix: PREFIX });
    // QueueEvents blocks on its connection: one of its own, closed with it.
    const eventsClient = this.client.duplicate();
    eventsClient.on('error', () => undefined);
    const events = new QueueEvents(name, { connection: eventsClient, prefix: PREFIX });
    events.on('progress', ({ jobId, data }) => this.progress(jobId, data as StepProgress));
    events.on('completed', ({ jobId, returnvalue }) => this.completed(jobId, returnvalue as unknown as StepJobResult));
    events.on('failed', ({ jobId, failedReason }) => void this.failed(jobId, failedReason));
    events.on('error', () => undefined); // connection trouble is retried; the poll covers lost events
    q = { queue, events, eventsClient, ready: Promise.all([queue.waitUntilReady(), events.waitUntilReady()]).then(() => undefined) };
    this.queues.set(name, q);
    return q;
  }

  private progress(jobId: string, data: StepProgress): void {
    const p = this.pending.get(jobId);
    if (!p || typeof data !== 'object' || data === null) return;
    if (typeof data.pid === 'number' && !p.spawned) {
      p.spawned = true;
      p.handlers.onSpawn(data.pid);
    }
    if (Array.isArray(data.lines)) for (const line of data.lines) if (typeof line === 'string') p.handlers.onLine(line);
  }

  private completed(jobId: string, r: StepJobResult): void {
    const p = this.pending.get(jobId);
    if (!p) return;
    if (typeof r !== 'object' || r === null) p.finish(errorResult('its worker sent back no result', p.since));
    else p.finish({ ...r, outputs: r.outputs ?? {} });
  }

  /**
   * A job failed on the queue: its worker died (a stalled job), lost its lock or could not run
   * it. The step's wrapper records its exit code in the shared folder even then; a step that had
   * finished keeps its result, so its work is never done twice.
   */
  private async failed(jobId: string, reason: string): Promise<void> {
    const p = this.pending.get(jobId);
    if (!p) return;
    const deadline = Date.now() + (p.spawned ? EXIT_FILE_WAIT_MS : 0);
    while (readExit(p.exitFile) === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const code = readExit(p.exitFile);
    if (code === 0) {
      try {
        const outputs = existsSync(p.outputPath) ? readOutputs(p.outputPath, p.secrets) : {};
        p.finish({ exitCode: 0, signal: null, timedOut: false, cancelled: false, durationMs: Date.now() - p.since, outputs });
        return;
      } catch (e) {
        p.finish(errorResult(`its output file could not be read: ${errorMessage(e)}`, p.since));
        return;
      }
    }
    if (p.cancelRequested) {
      p.finish(cancelledResult(p.since));
      return;
    }
    const why = /stalled/.test(reason) ? 'its worker stopped answering while it ran (the worker died or lost Redis)' : reason;
    p.finish(errorResult(why, p.since));
  }

  private async check(p: Pending, job: Job<StepJobData, StepJobResult>): Promise<void> {
    const state = await job.getState();
    if (state === 'completed') this.completed(p.id, job.returnvalue);
    else if (state === 'failed') await this.failed(p.id, job.failedReason);
  }

  /** Catches ends the events missed (a stream trimmed under load, a reconnect). */
  private async poll(): Promise<void> {
    const now = Date.now();
    const due = [...this.pending.values()].filter((p) => now - p.since > POLL_MS);
    if (due.length === 0) return;
    this.pollFrom %= due.length;
    for (const p of due.slice(this.pollFrom, this.pollFrom + POLL_BATCH)) {
      try {
        const job = (await this.queueSet(p.queue).queue.getJob(p.id)) as Job<StepJobData, StepJobResult> | undefined;
        if (job) await this.check(p, job);
        else if (p.cancelRequested) p.finish(cancelledResult(p.since));
      } catch {
        // Redis away for a moment: the next round tries again.
      }
    }
    this.pollFrom += POLL_BATCH;
  }

  /** A job still waiting is removed; one running gets the request through its worker. */
  private async stop(p: Pending, how: 'cancel' | 'kill'): Promise<void> {
    p.cancelRequested = true;
    await this.client.multi().set(cancelKey(p.id), how, 'EX', KEEP_SECONDS).publish(CONTROL_CHANNEL, JSON.stringify({ jobId: p.id, how })).exec();
    const job = await this.queueSet(p.queue).queue.getJob(p.id);
    if (!job) return;
    const state = await job.getState();
    if (state !== 'waiting' && state !== 'delayed' && state !== 'prioritized') return;
    try {
      await job.remove();
      p.finish(cancelledResult(p.since));
    } catch {
      // A worker took it meanwhile: it sees the cancel key before it starts the step.
    }
  }

  get redisUrl(): string {
    return this.url;
  }
}
