import { availableParallelism, totalmem } from 'node:os';
import type { Catalog } from '../core/planCheck.js';
import { loadCommands, type CommandRegistry } from '../registry/commands.js';
import { loadConfig, type LoadedConfig } from '../registry/config.js';
import { loadTemplates, type TemplateRegistry } from '../registry/templates.js';
import { openStore, type Store } from '../store/open.js';
import { asDiskError } from '../store/diskErrors.js';

/** Flags every subcommand understands. */
export interface CliOptions {
  dir: string;
  json: boolean;
  yes: boolean;
  debug: boolean;
  parallel?: number;
  attempt?: number;
  limit?: number;
  /** `baton rollback --to STEP`. */
  to?: string;
  /** `--executor` and `--redis`: where steps run (config keys of the same names). */
  executor?: 'local' | 'queue';
  redis?: string;
  /** `baton worker`'s own flags. */
  worker?: { capabilities?: string[]; resources?: string[]; concurrency?: number; name?: string };
  /** `baton export`'s own flags: --format, -o/--output, --image. */
  export?: { format?: string; output?: string; image?: string };
}

export interface Project {
  dir: string;
  config: LoadedConfig;
  registry: CommandRegistry;
  templates: TemplateRegistry;
  catalog: Catalog;
}

export function loadProject(opts: CliOptions): Project {
  const flags = {
    ...(opts.parallel !== undefined ? { parallel: opts.parallel } : {}),
    ...(opts.executor !== undefined ? { executor: opts.executor } : {}),
    ...(opts.redis !== undefined ? { redis: opts.redis } : {}),
  };
  const config = loadConfig({ projectDir: opts.dir, env: process.env, flags, machine: { cores: availableParallelism(), memoryGb: totalmem() / 2 ** 30 } });
  const registry = loadCommands(opts.dir);
  const templates = loadTemplates(opts.dir);
  const catalog: Catalog = { commands: registry.commands, templates: templates.templates, agents: config.config.agents, resources: config.config.resources };
  return { dir: opts.dir, config, registry, templates, catalog };
}

/** Opens the store for one command and always closes it. */
export async function withStore<T>(dir: string, create: boolean, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(dir, { create });
  try {
    return await fn(store);
  } catch (e) {
    // A write refused by a full or read-only disk, wherever it happened: one line, not a crash.
    throw asDiskError(e, store.path);
  } finally {
    await store.close();
  }
}
