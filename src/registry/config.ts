import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parallelFor } from '../core/projectContext.js';
import { z } from 'zod';
import type { AgentDef } from '../core/command.js';
import type { ErrorRule } from '../core/failure.js';
import type { Remedy } from '../core/remedy.js';
import type { BreakerSettings } from '../core/breaker.js';
import { parseDuration } from '../core/duration.js';
import { DEFAULT_LOG_LIMIT, MAX_LOG_LIMIT, MIN_LOG_LIMIT, formatByteSize, parseByteSize } from '../core/byteSize.js';
import { ValidationError, errorMessage } from '../core/errors.js';
import { durationInput, errorRuleInput, remedyInput } from '../core/planSchema.js';
import { stateDir } from './paths.js';

export interface Config {
  parallel: number;
  agents: AgentDef[];
  resources: Record<string, number>;
  /** Names of baton's environment variables that steps may see. */
  envAllow: string[];
  killGraceMs: number;
  defaultTimeoutMs: number | null;
  /** Project-wide error rules, after those of steps and command files. */
  errors: ErrorRule[];
  /** Self-healing rules, tried before the built-in ones. */
  remedies: Remedy[];
  /** How many times self-healing may retry one step (0 turns it off). */
  healAttempts: number;
  /** Circuit breakers per command and per agent. */
  breaker: BreakerSettings;
  /** A step's warnings (failed attempts or `::warning` lines) that escalate it to an error. */
  escalateAfter: number;
  /** Commands (argv) run on events: `on_failure` when a step fails for good or escalates. */
  hooks: { on_failure?: string[] };
  /** Bytes of a step's output its log keeps from the start; past them a marker and the last 1 MB. */
  logLimit: number;
  /** Where steps run: this machine, or a BullMQ queue on `redis` served by `baton worker`s. */
  executor: 'local' | 'queue';
  redis: string;
  /** With the queue executor and Redis unreachable: run locally (with a warning) or stop. */
  queueFallback: 'local' | 'none';
}

export type ConfigKey = keyof Config;
export type ConfigSources = Record<ConfigKey, string>;

export const DEFAULT_CONFIG: Config = {
  parallel: 3,
  agents: [
    { name: 'data', capabilities: ['data'], concurrency: 2 },
    { name: 'trainer', capabilities: ['training'], concurrency: 2 },
    { name: 'evaluator', capabilities: ['evaluation'], concurrency: 2 },
    { name: 'deployer', capabilities: ['deployment'], concurrency: 1 },
    { name: 'monitor', capabilities: ['monitoring'], concurrency: 1 },
    { name: 'shell', capabilities: ['shell'], concurrency: 3 },
  ],
  resources: {},
  envAllow: ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR', 'TERM', 'SHELL'],
  killGraceMs: 5000,
  defaultTimeoutMs: null,
  errors: [],
  remedies: [],
  healAttempts: 2,
  breaker: { failures: 5, cooldownMs: 60_000 },
  escalateAfter: 3,
  hooks: {},
  logLimit: DEFAULT_LOG_LIMIT,
  executor: 'local',
  redis: 'redis://127.0.0.1:6379',
  queueFallback: 'none',
};

const fileSchema = z.strictObject({
  parallel: z.number().int().min(1).max(256).optional(),
  agents: z
    .array(z.strictObject({ name: z.string().min(1), capabilities: z.array(z.string()).min(1), concurrency: z.number().int().min(1).default(1) }))
    .optional(),
  resources: z.record(z.string(), z.number().int().min(1)).optional(),
  envAllow: z.array(z.string()).optional(),
  killGrace: durationInput.optional(),
  defaultTimeout: z.union([durationInput, z.null()]).optional(),
  errors: z.array(errorRuleInput).optional(),
  remedies: z.array(remedyInput).optional(),
  healAttempts: z.number().int().min(0).max(10).optional(),
  breaker: z.strictObject({ failures: z.number().int().min(0), cooldown: durationInput.default('60s') }).optional(),
  escalateAfter: z.number().int().min(1).optional(),
  hooks: z.strictObject({ on_failure: z.array(z.string()).min(1).optional() }).optional(),
  logLimit: z.union([z.string(), z.number()]).optional(),
  executor: z.enum(['local', 'queue']).optional(),
  redis: z.string().regex(/^rediss?:\/\//, 'is not a redis:// URL').optional(),
  queueFallback: z.enum(['local', 'none']).optional(),
});

type Layer = Partial<Config>;

function parseLogLimit(value: string | number, field: string): number {
  const bytes = parseByteSize(value, field);
  if (bytes < MIN_LOG_LIMIT || bytes > MAX_LOG_LIMIT) throw new ValidationError(`${field}: ${String(value)} is outside ${formatByteSize(MIN_LOG_LIMIT)} to ${formatByteSize(MAX_LOG_LIMIT)}`);
  return bytes;
}

function fromFileData(data: z.infer<typeof fileSchema>): Layer {
  const layer: Layer = {};
  if (data.parallel !== undefined) layer.parallel = data.parallel;
  if (data.agents !== undefined) layer.agents = data.agents;
  if (data.resources !== undefined) layer.resources = data.resources;
  if (data.envAllow !== undefined) layer.envAllow = data.envAllow;
  if (data.killGrace !== undefined) layer.killGraceMs = parseDuration(data.killGrace, 'killGrace');
  if (data.errors !== undefined) layer.errors = data.errors;
  if (data.remedies !== undefined) layer.remedies = data.remedies;
  if (data.healAttempts !== undefined) layer.healAttempts = data.healAttempts;
  if (data.logLimit !== undefined) layer.logLimit = parseLogLimit(data.logLimit, 'logLimit');
  if (data.escalateAfter !== undefined) layer.escalateAfter = data.escalateAfter;
  if (data.hooks !== undefined) layer.hooks = data.hooks.on_failure ? { on_failure: data.hooks.on_failure } : {};
  if (data.executor !== undefined) layer.executor = data.executor;
  if (data.redis !== undefined) layer.redis = data.redis;
  if (data.queueFallback !== undefined) layer.queueFallback = data.queueFallback;
  if (data.breaker !== undefined) layer.breaker = { failures: data.breaker.failures, cooldownMs: parseDuration(data.breaker.cooldown, 'breaker.cooldown') };
  if (data.defaultTimeout !== undefined) layer.defaultTimeoutMs = data.defaultTimeout === null ? null : parseDuration(data.defaultTimeout, 'defaultTimeout');
  return layer;
}

export function parseConfigFile(text: string, source: string): Layer {
  let data: unknown;
  try {
    data = parseYaml(text) ?? {};
  } catch (e) {
    throw new ValidationError(`${source}: not valid YAML: ${errorMessage(e).split('\n')[0]}`, [], 'fix the file or remove it');
  }
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') || 'config';
    const what = issue?.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}` : issue?.message;
    throw new ValidationError(`${source}: ${field}: ${what}`, [], `valid keys: ${Object.keys(fileSchema.shape).join(', ')}`);
  }
  try {
    return fromFileData(parsed.data);
  } catch (e) {
    throw new ValidationError(`${source}: ${errorMessage(e)}`);
  }
}

/** BATON_PARALLEL, BATON_ENV_ALLOW (comma list), BATON_RESOURCES (gpu=1,tpu=2), BATON_KILL_GRACE, BATON_DEFAULT_TIMEOUT, BATON_LOG_LIMIT, BATON_EXECUTOR, BATON_REDIS. */
export function fromEnvironment(env: NodeJS.ProcessEnv): { layer: Layer; names: Partial<Record<ConfigKey, string>> } {
  const layer: Layer = {};
  const names: Partial<Record<ConfigKey, string>> = {};
  const bad = (name: string, value: string, want: string) => new ValidationError(`${name}=${value} is not ${want}`, [], `unset ${name} or fix it`);
  if (env.BATON_PARALLEL !== undefined) {
    const n = Number(env.BATON_PARALLEL);
    if (!Number.isInteger(n) || n < 1) throw bad('BATON_PARALLEL', env.BATON_PARALLEL, 'a whole number of at least 1');
    layer.parallel = n;
    names.parallel = 'env BATON_PARALLEL';
  }
  if (env.BATON_ENV_ALLOW !== undefined) {
    layer.envAllow = env.BATON_ENV_ALLOW.split(',').map((s) => s.trim()).filter(Boolean);
    names.envAllow = 'env BATON_ENV_ALLOW';
  }
  if (env.BATON_RESOURCES !== undefined) {
    const resources: Record<string, number> = {};
    for (const part of env.BATON_RESOURCES.split(',').filter((p) => p.trim() !== '')) {
      const [name, count] = part.split('=');
      const n = Number(count ?? '1');
      if (!name || !Number.isInteger(n) || n < 1) throw bad('BATON_RESOURCES', env.BATON_RESOURCES, 'a list like gpu=1,tpu=2');
      resources[name.trim()] = n;
    }
    layer.resources = resources;
    names.resources = 'env BATON_RESOURCES';
  }
  for (const [key, name] of [['killGraceMs', 'BATON_KILL_GRACE'], ['defaultTimeoutMs', 'BATON_DEFAULT_TIMEOUT']] as const) {
    const value = env[name];
    if (value === undefined) continue;
    try {
      layer[key] = parseDuration(value, name);
    } catch {
      throw bad(name, value, 'a duration such as 30s or 10m');
    }
    names[key] = `env ${name}`;
  }
  if (env.BATON_LOG_LIMIT !== undefined) {
    try {
      layer.logLimit = parseLogLimit(env.BATON_LOG_LIMIT, 'BATON_LOG_LIMIT');
    } catch {
      throw bad('BATON_LOG_LIMIT', env.BATON_LOG_LIMIT, `a size from ${formatByteSize(MIN_LOG_LIMIT)} to ${formatByteSize(MAX_LOG_LIMIT)}, such as 100MB`);
    }
    names.logLimit = 'env BATON_LOG_LIMIT';
  }
  if (env.BATON_EXECUTOR !== undefined) {
    if (env.BATON_EXECUTOR !== 'local' && env.BATON_EXECUTOR !== 'queue') throw bad('BATON_EXECUTOR', env.BATON_EXECUTOR, 'local or queue');
    layer.executor = env.BATON_EXECUTOR;
    names.executor = 'env BATON_EXECUTOR';
  }
  if (env.BATON_REDIS !== undefined) {
    layer.redis = env.BATON_REDIS;
    names.redis = 'env BATON_REDIS';
  }
  return { layer, names };
}

export interface LoadedConfig {
  config: Config;
  sources: ConfigSources;
}

export interface ConfigInputs {
  projectDir: string;
  env: NodeJS.ProcessEnv;
  flags: Layer;
  /** Defaults to $XDG_CONFIG_HOME/baton/config.yaml or ~/.config/baton/config.yaml. */
  userConfigPath?: string;
  /** The machine: a bigger one runs more steps at once when nothing else says how many. */
  machine?: { cores: number; memoryGb: number };
}

export function userConfigPath(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME ?? join(env.HOME ?? homedir(), '.config');
  return join(base, 'baton', 'config.yaml');
}

/** Built-in defaults < user config < project config < BATON_* environment < flags; each key remembers its layer. */
export function loadConfig(inputs: ConfigInputs): LoadedConfig {
  const config: Config = { ...DEFAULT_CONFIG };
  const sources = Object.fromEntries(Object.keys(DEFAULT_CONFIG).map((k) => [k, 'default'])) as ConfigSources;
  const apply = (layer: Layer, source: (key: ConfigKey) => string) => {
    for (const key of Object.keys(layer) as ConfigKey[]) {
      (config as unknown as Record<string, unknown>)[key] = layer[key];
      sources[key] = source(key);
    }
  };
  if (inputs.machine) {
    const { cores, memoryGb } = inputs.machine;
    const parallel = parallelFor(cores, memoryGb, DEFAULT_CONFIG.parallel);
    if (parallel !== DEFAULT_CONFIG.parallel) apply({ parallel }, () => `machine (${cores} cores, ${Math.round(memoryGb)} GB)`);
  }
  const userPath = inputs.userConfigPath ?? userConfigPath(inputs.env);
  const projectPath = join(stateDir(inputs.projectDir), 'config.yaml');
  for (const path of [userPath, projectPath]) {
    if (existsSync(path)) apply(parseConfigFile(readFileSync(path, 'utf8'), path), () => path);
  }
  const fromEnv = fromEnvironment(inputs.env);
  apply(fromEnv.layer, (key) => fromEnv.names[key] ?? 'env');
  apply(inputs.flags, (key) => `flag --${key === 'parallel' ? 'parallel' : key}`);
  return { config, sources };
}
