import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { BadInputError, StepFailedError } from './errors.js';
import { crossValidate, hyperFrom, type Metric, type ModelKind, type Supervised } from './learn.js';
import { mapSlots, type Evaluate } from './search.js';
import type { Params } from './searchSpace.js';
import { mean, round } from './stats.js';

/** Everything a trial needs besides its params; a worker thread gets a copy once. */
export interface TrialJob {
  data: Supervised;
  kind: ModelKind;
  folds: number;
  seed: number;
  metric: Metric;
}

/** Mean cross-validated score of one configuration; the folds depend on the seed only. */
export function scoreTrial(job: TrialJob, params: Params): number {
  const scores = crossValidate(job.data, job.kind, hyperFrom(params), job.folds, job.seed);
  return round(mean(scores.map((s) => s[job.metric])));
}

export interface TrialReply {
  id: number;
  score?: number;
  error?: string;
  exitCode?: number;
}

export interface Evaluator {
  evaluate: Evaluate;
  /** Threads actually started (0 when trials run in this thread). */
  threads: number;
  close(): Promise<void>;
}

/** One worker thread as a slot: a trial at a time; a crashed or exited thread fails its trials. */
function threadSlot(worker: Worker): (params: Params) => Promise<number> {
  let nextId = 0;
  let dead: Error | undefined;
  let pending: { id: number; resolve: (score: number) => void; reject: (e: Error) => void } | undefined;
  const fail = (e: Error) => {
    dead ??= e;
    pending?.reject(dead);
    pending = undefined;
  };
  worker.on('error', (e) => fail(new StepFailedError(`a tuning worker failed: ${e.message}`)));
  worker.on('exit', (code) => fail(new StepFailedError(`a tuning worker stopped (exit ${code})`)));
  worker.on('message', (m: TrialReply) => {
    if (!pending || m.id !== pending.id) return;
    const { resolve, reject } = pending;
    pending = undefined;
    if (m.error === undefined) resolve(m.score ?? Number.NaN);
    else reject(m.exitCode === 2 ? new BadInputError(m.error) : new StepFailedError(m.error));
  });
  return (params) =>
    new Promise<number>((resolve, reject) => {
      if (dead) {
        reject(dead);
        return;
      }
      const id = nextId++;
      pending = { id, resolve, reject };
      worker.postMessage({ id, params });
    });
}

/**
 * Scores trials `workers` at a time on worker threads running tuneWorker.js (capped at the
 * cores there are); one worker scores in this thread. Scores never depend on which ran them.
 */
export function createEvaluator(job: TrialJob, workers: number): Evaluator {
  const threads = Math.min(workers, availableParallelism());
  if (threads <= 1) {
    const slot = (params: Params) => Promise.resolve(scoreTrial(job, params));
    return { evaluate: (batch, onScore) => mapSlots(batch, [slot], onScore), threads: 0, close: () => Promise.resolve() };
  }
  const pool = Array.from({ length: threads }, () => new Worker(new URL('./tuneWorker.js', import.meta.url), { workerData: job }));
  const slots = pool.map(threadSlot);
  return {
    evaluate: (batch, onScore) => mapSlots(batch, slots, onScore),
    threads,
    close: async () => {
      await Promise.all(pool.map((w) => w.terminate()));
    },
  };
}
