import { existsSync } from 'node:fs';
import { verdict, type BreakerState } from '../../core/breaker.js';
import { BreakerRepository } from '../../store/breakers.js';
import { dbPath } from '../../store/open.js';
import { loadProject, withStore } from '../context.js';
import { dim, green, red, table, yellow } from '../format.js';
import type { Subcommand } from './types.js';

export const agentsCommand: Subcommand = {
  name: 'agents',
  usage: 'baton agents [--json]',
  summary: 'agents, their capabilities and concurrency, and circuit breakers',
  async run(_args, opts) {
    const project = loadProject(opts);
    const { agents, breaker } = project.config.config;
    const breakers: BreakerState[] = existsSync(dbPath(project.dir)) ? await withStore(project.dir, false, (store) => Promise.resolve(new BreakerRepository(store).all())) : [];
    const byKey = new Map(breakers.map((b) => [b.key, b]));
    const now = Date.now();
    const describe = (b: BreakerState | undefined) => {
      if (!b || b.position === 'closed') return { state: 'closed', failures: b?.failures ?? 0, retryInMs: 0 };
      const v = verdict(b, now, breaker);
      return { state: b.position === 'open' && v.pass ? 'open (trial due)' : b.position, failures: b.failures, retryInMs: v.pass ? 0 : v.retryInMs };
    };
    const agentRows = agents.map((a) => ({ name: a.name, capabilities: a.capabilities, concurrency: a.concurrency, breaker: describe(byKey.get(`agent:${a.name}`)) }));
    const commandRows = breakers.filter((b) => b.key.startsWith('command:')).map((b) => ({ command: b.key.slice('command:'.length), breaker: describe(b) }));
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ agents: agentRows, commands: commandRows, settings: breaker })}\n`);
      return 0;
    }
    const show = (d: { state: string; failures: number; retryInMs: number }) =>
      `${d.state === 'closed' ? green(d.state) : d.state === 'half-open' ? yellow(d.state) : red(d.state)}${d.failures ? ` (${d.failures} failures)` : ''}${d.retryInMs ? dim(` trial in ${Math.ceil(d.retryInMs / 1000)}s`) : ''}`;
    process.stdout.write(`${table(['agent', 'capabilities', 'concurrency', 'circuit'], agentRows.map((r) => [r.name, r.capabilities.join(', '), String(r.concurrency), show(r.breaker)]))}\n`);
    if (commandRows.length) process.stdout.write(`\n${table(['command', 'circuit'], commandRows.map((r) => [r.command, show(r.breaker)]))}\n`);
    process.stdout.write(dim(`breakers open after ${breaker.failures} transient or resource failures in a row, for ${Math.round(breaker.cooldownMs / 1000)}s\n`));
    return 0;
  },
};
