import { isBatonError } from '../core/errors.js';
import type { Executor } from '../executors/executor.js';
import { LocalExecutor } from '../executors/local.js';
import type { Config } from '../registry/config.js';

/**
 * The executor config asks for. With `executor: queue` and Redis unreachable: a one-line error,
 * or with `queueFallback: local` a warning and this machine.
 */
export async function createExecutor(config: Pick<Config, 'executor' | 'redis' | 'queueFallback'>, warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<Executor> {
  if (config.executor !== 'queue') return new LocalExecutor();
  try {
    // BullMQ and ioredis load only when a run uses the queue: every other command starts faster.
    const { QueueExecutor } = await import('../executors/queue.js');
    return await QueueExecutor.connect(config.redis);
  } catch (e) {
    if (config.queueFallback !== 'local' || !isBatonError(e)) throw e;
    warn(`baton: warning: ${e.message.replace(/; start it or run with --executor local$/, '')}; running the steps on this machine (queueFallback: local)`);
    return new LocalExecutor();
  }
}
