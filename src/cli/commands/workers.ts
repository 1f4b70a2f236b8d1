import { loadProject } from '../context.js';
import { dim, table } from '../format.js';
import type { Subcommand } from './types.js';

export const workersCommand: Subcommand = {
  name: 'workers',
  usage: 'baton workers [--redis URL] [--json]',
  summary: 'the workers connected to the queue: capabilities, load and heartbeats',
  async run(_args, opts) {
    const { config } = loadProject(opts).config;
    const { connectRedis, redactUrl } = await import('../../executors/queueProtocol.js');
    const { WORKER_HEADERS, listWorkers, workerRows } = await import('../../executors/queueRegistry.js');
    const client = await connectRedis(config.redis);
    try {
      const workers = await listWorkers(client);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ redis: redactUrl(config.redis), workers })}\n`);
        return 0;
      }
      if (workers.length === 0) {
        process.stdout.write(`no workers on ${redactUrl(config.redis)}; start one with \`baton worker --redis ${redactUrl(config.redis)}\`\n`);
        return 0;
      }
      process.stdout.write(`${table(WORKER_HEADERS, workerRows(workers))}\n`);
      process.stdout.write(dim(`${workers.length} worker${workers.length === 1 ? '' : 's'} on ${redactUrl(config.redis)}\n`));
      return 0;
    } finally {
      client.disconnect();
    }
  },
};
