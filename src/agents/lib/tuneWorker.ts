import { parentPort, workerData } from 'node:worker_threads';
import { messageOf } from './errors.js';
import type { Params } from './searchSpace.js';
import { scoreTrial, type TrialJob, type TrialReply } from './tunePool.js';

/** A tune worker thread: scores the configurations it is sent, one at a time. */
const job = workerData as TrialJob;
parentPort?.on('message', (m: { id: number; params: Params }) => {
  let reply: TrialReply;
  try {
    reply = { id: m.id, score: scoreTrial(job, m.params) };
  } catch (e) {
    const exitCode = (e as { exitCode?: unknown }).exitCode;
    reply = { id: m.id, error: messageOf(e), exitCode: typeof exitCode === 'number' ? exitCode : 1 };
  }
  parentPort?.postMessage(reply);
});
