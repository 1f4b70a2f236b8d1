import { errorMessage } from '../../core/errors.js';
import { table } from '../../cli/format.js';
import type { SlashCommand } from './types.js';

/** With the queue executor, the workers connected to it, or why they could not be listed. */
async function workersText(redis: string): Promise<string> {
  // ioredis loads only for a project that uses the queue.
  const { connectRedis, redactUrl } = await import('../../executors/queueProtocol.js');
  const { WORKER_HEADERS, listWorkers, workerRows } = await import('../../executors/queueRegistry.js');
  let client;
  try {
    client = await connectRedis(redis, 1500);
    const workers = await listWorkers(client);
    if (workers.length === 0) return `no workers on ${redactUrl(redis)}; start one with \`baton worker --redis ${redactUrl(redis)}\``;
    return `workers on ${redactUrl(redis)}:\n${table(WORKER_HEADERS, workerRows(workers))}`;
  } catch (e) {
    return `workers: ${errorMessage(e)}`;
  } finally {
    client?.disconnect();
  }
}

export const agentsCommand: SlashCommand = {
  name: 'agents',
  aliases: [],
  usage: '/agents',
  description: 'agents, their capabilities, concurrency and circuit breakers (and queue workers)',
  action: async (_args, ctx) => {
    const { config } = ctx.project.config;
    const agents = ctx.agentsText();
    return { kind: 'message', text: config.executor === 'queue' ? `${agents}\n\n${await workersText(config.redis)}` : agents };
  },
};
