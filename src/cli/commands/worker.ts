import { availableParallelism } from 'node:os';
import { parseDuration } from '../../core/duration.js';
import { ValidationError } from '../../core/errors.js';
import { loadProject } from '../context.js';
import { clock, dim } from '../format.js';
import type { Subcommand } from './types.js';

const DEFAULT_LOCK_MS = 10_000;

function lockMs(): number {
  const value = process.env.BATON_WORKER_LOCK;
  if (value === undefined) return DEFAULT_LOCK_MS;
  const ms = parseDuration(value, 'BATON_WORKER_LOCK');
  if (ms < 1000) throw new ValidationError(`BATON_WORKER_LOCK=${value} is shorter than 1s`, [], 'unset it or give a duration such as 10s');
  return ms;
}

export const workerCommand: Subcommand = {
  name: 'worker',
  usage: 'baton worker [--redis URL] [--capabilities a,b] [--resources gpu] [--concurrency N] [--name NAME]',
  summary: 'run the steps `baton run --executor queue` sends through Redis, until Ctrl-C',
  async run(args, opts) {
    if (args.length > 0) throw new ValidationError(`baton worker takes no arguments, got "${args[0] ?? ''}"`, [], 'e.g. baton worker --redis redis://host:6379 --capabilities training --concurrency 2');
    const project = loadProject(opts);
    const { config } = project.config;
    const w = opts.worker ?? {};
    const capabilities = w.capabilities ?? [...new Set(config.agents.flatMap((a) => a.capabilities))];
    const resources = w.resources ?? [];
    if (capabilities.length === 0) throw new ValidationError('--capabilities needs at least one name', [], 'e.g. --capabilities training,evaluation');
    const { MAX_WORKER_RESOURCES, redactUrl } = await import('../../executors/queueProtocol.js');
    const { QueueWorker } = await import('../../executors/queueWorker.js');
    if (resources.length > MAX_WORKER_RESOURCES) throw new ValidationError(`--resources takes at most ${MAX_WORKER_RESOURCES} names, got ${resources.length}`, [], 'run one worker per kind of machine');
    const log = (line: string) => process.stdout.write(`${dim(clock())} ${line}\n`);
    const worker = new QueueWorker({
      redis: config.redis,
      ...(w.name !== undefined ? { name: w.name } : {}),
      capabilities,
      resources,
      concurrency: w.concurrency ?? availableParallelism(),
      lockMs: lockMs(),
      log,
    });
    await worker.start();
    log(`worker ${worker.name} on ${redactUrl(config.redis)}: ${capabilities.join(', ')}${resources.length ? ` with ${resources.join(', ')}` : ''}, ${w.concurrency ?? availableParallelism()} at a time; Ctrl-C stops it`);
    await new Promise<void>((resolve) => {
      let signals = 0;
      const onSignal = () => {
        signals++;
        if (signals === 1) {
          log('stopping: no new steps; running ones finish first (Ctrl-C again stops them, and they run on another worker)');
          void worker.stop(false).then(resolve, resolve);
        } else {
          void worker.stop(true).then(resolve, resolve);
        }
      };
      for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, onSignal);
    });
    log(`worker ${worker.name} stopped`);
    return 0;
  },
};
