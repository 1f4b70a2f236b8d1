import type { Redis } from 'ioredis';
import { HEARTBEAT_TTL_MS, workerKey } from './queueProtocol.js';

/** A worker as it registers itself in Redis, renewed on every heartbeat. */
export interface WorkerRecord {
  name: string;
  host: string;
  pid: number;
  capabilities: string[];
  resources: string[];
  concurrency: number;
  /** The attempts it runs now, as run/step#attempt. */
  jobs: string[];
  /** Attempts it has finished since it started. */
  done: number;
  startedAt: number;
  heartbeatAt: number;
}

const list = (s: string | undefined) => (s ? s.split(',').filter(Boolean) : []);

export async function writeHeartbeat(client: Redis, w: WorkerRecord): Promise<void> {
  const key = workerKey(w.name);
  await client
    .multi()
    .hset(key, {
      name: w.name,
      host: w.host,
      pid: String(w.pid),
      capabilities: w.capabilities.join(','),
      resources: w.resources.join(','),
      concurrency: String(w.concurrency),
      jobs: w.jobs.join(','),
      done: String(w.done),
      startedAt: String(w.startedAt),
      heartbeatAt: String(w.heartbeatAt),
    })
    .pexpire(key, HEARTBEAT_TTL_MS)
    .exec();
}

export async function removeWorker(client: Redis, name: string): Promise<void> {
  await client.del(workerKey(name));
}

/** The workers whose heartbeat has not expired, by name. */
export async function listWorkers(client: Redis): Promise<WorkerRecord[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', workerKey('*'), 'COUNT', 200);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  const out: WorkerRecord[] = [];
  for (const key of [...new Set(keys)]) {
    const h = await client.hgetall(key);
    if (!h.name) continue;
    out.push({
      name: h.name,
      host: h.host ?? '',
      pid: Number(h.pid),
      capabilities: list(h.capabilities),
      resources: list(h.resources),
      concurrency: Number(h.concurrency),
      jobs: list(h.jobs),
      done: Number(h.done ?? 0),
      startedAt: Number(h.startedAt),
      heartbeatAt: Number(h.heartbeatAt),
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Rows for a table: name, host, pid, capabilities, resources, load, done, heartbeat. */
export function workerRows(workers: readonly WorkerRecord[], now = Date.now()): string[][] {
  return workers.map((w) => [
    w.name,
    w.host,
    String(w.pid),
    w.capabilities.join(', '),
    w.resources.join(', ') || '-',
    `${w.jobs.length}/${w.concurrency}`,
    String(w.done),
    `${Math.max(0, Math.round((now - w.heartbeatAt) / 1000))}s ago`,
  ]);
}

export const WORKER_HEADERS = ['worker', 'host', 'pid', 'capabilities', 'resources', 'load', 'done', 'heartbeat'];
