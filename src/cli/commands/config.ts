import { formatDuration } from '../../core/duration.js';
import { formatByteSize } from '../../core/byteSize.js';
import type { ConfigKey } from '../../registry/config.js';
import { loadProject } from '../context.js';
import { dim, table } from '../format.js';
import type { Subcommand } from './types.js';

function show(key: ConfigKey, value: unknown): string {
  if (key === 'killGraceMs' || key === 'defaultTimeoutMs') return value === null ? 'none' : formatDuration(value as number);
  if (key === 'logLimit') return formatByteSize(value as number);
  if (key === 'agents') return (value as { name: string; capabilities: string[]; concurrency: number }[]).map((a) => `${a.name}[${a.capabilities.join(',')}]×${a.concurrency}`).join(' ');
  if (key === 'resources') return Object.entries(value as Record<string, number>).map(([k, v]) => `${k}=${v}`).join(' ') || 'none';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

export const configCommand: Subcommand = {
  name: 'config',
  usage: 'baton config [--json]',
  summary: 'print the effective configuration and where each value came from',
  run(_args, opts) {
    const { config, sources } = loadProject(opts).config;
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ config, sources })}\n`);
      return Promise.resolve(0);
    }
    const keys = Object.keys(config) as ConfigKey[];
    process.stdout.write(`${table(['key', 'value', 'from'], keys.map((k) => [k, show(k, config[k]), dim(sources[k])]))}\n`);
    return Promise.resolve(0);
  },
};
