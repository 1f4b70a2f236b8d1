import { Redis, type RedisOptions } from 'ioredis';
import { BatonError, errorMessage } from '../core/errors.js';
import type { StepResult, StepSpec } from './executor.js';

/**
 * What the coordinator (`baton run --executor queue`) and `baton worker`s agree on: queue names,
 * job ids, the Redis keys beside BullMQ's, and the messages on the queue's events.
 */

/** BullMQ's key prefix for Baton's queues, so they never mix with an application's. */
export const PREFIX = 'baton';
/** Coordinators publish cancel and kill requests here; the worker running the job acts. */
export const CONTROL_CHANNEL = 'baton:control';
/** How long finished jobs (and their results, which resume reads) stay in Redis. */
export const KEEP_SECONDS = 7 * 24 * 3600;
/** A worker's registration expires unless renewed: a dead worker drops off `baton workers`. */
export const HEARTBEAT_MS = 2000;
export const HEARTBEAT_TTL_MS = 10_000;
/** At most this many resource tags per worker: it consumes one queue per subset of them. */
export const MAX_WORKER_RESOURCES = 5;

export const workerKey = (name: string) => `baton:worker:${name}`;
export const cancelKey = (jobId: string) => `baton:cancel:${jobId}`;
/** A run's jobs and the queue each went to, so a resumed coordinator finds them again. */
export const runJobsKey = (runId: string) => `baton:run-jobs:${runId}`;

/** BullMQ refuses `:` in queue names and job ids; everything else is kept readable. */
const part = (s: string) => s.replace(/[%:]/g, (c) => encodeURIComponent(c));

/**
 * One queue per capability and set of resource tags, so only a worker that has them all takes
 * the step: `training`, `training+gpu`. Load balancing among those workers is the queue's.
 */
export function queueName(capability: string, resources: readonly string[] = []): string {
  const tags = [...new Set(resources)].sort();
  return ['step', part(capability), ...tags.map(part)].join('+');
}

/** The queues a worker consumes: each capability with every subset of its resource tags. */
export function queuesServed(capabilities: readonly string[], resources: readonly string[]): string[] {
  const tags = [...new Set(resources)].sort();
  const subsets: string[][] = [[]];
  for (const t of tags) for (const s of subsets.slice()) subsets.push([...s, t]);
  return [...new Set(capabilities)].flatMap((c) => subsets.map((s) => queueName(c, s)));
}

/** Deterministic, so a resumed coordinator finds the job it queued instead of queueing it twice. */
export function jobIdFor(runId: string, stepId: string, attempt: number): string {
  return `${part(runId)}.${part(stepId)}.${attempt}`;
}

export interface StepJobData {
  spec: StepSpec;
}

/** What a worker sends on job progress: the step's process group once, then its output lines. */
export interface StepProgress {
  worker?: string;
  pid?: number;
  lines?: string[];
}

export type StepJobResult = StepResult;

/** A URL fit to print: the password, if any, never is. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/** Connections BullMQ uses: they wait out a Redis restart rather than fail the run. */
export function connectionOptions(): RedisOptions {
  // disconnectTimeout: a socket that never opened would otherwise hold the process for 2 s at exit.
  return { maxRetriesPerRequest: null, enableReadyCheck: true, disconnectTimeout: 200 };
}

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ETIMEDOUT') return 'timed out';
  return errorMessage(e).split('\n')[0] ?? 'unknown error';
}

/**
 * A Redis client that has answered a PING, or a one-line BatonError saying why not. ioredis
 * retries forever by default; this try is bounded (one connection attempt, `timeoutMs`).
 */
export async function connectRedis(url: string, timeoutMs = 3000): Promise<Redis> {
  if (!/^rediss?:\/\//.test(url)) throw new BatonError(`"${url}" is not a Redis URL`, 'give one like redis://host:6379');
  const client = new Redis(url, { ...connectionOptions(), lazyConnect: true, connectTimeout: timeoutMs, retryStrategy: () => null });
  // connect() rejects with a bare "Connection is closed"; the cause comes on the error event.
  let cause: unknown;
  client.on('error', (e) => (cause ??= e));
  try {
    await client.connect();
    await Promise.race([client.ping(), new Promise((_, reject) => setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), timeoutMs).unref())]);
  } catch (e) {
    client.disconnect();
    throw new BatonError(`cannot reach Redis at ${redactUrl(url)}: ${reason(cause ?? e)}; start it or run with --executor local`, 'or set queueFallback: local in .baton/config.yaml to run here when Redis is down');
  }
  // From now on a lost connection is waited out, as BullMQ's own are.
  client.options.retryStrategy = (times: number) => Math.min(times * 200, 2000);
  return client;
}
