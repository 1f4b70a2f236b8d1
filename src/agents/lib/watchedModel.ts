import { existsSync, readFileSync, statSync } from 'node:fs';
import { absolute } from './args.js';
import { BadInputError } from './errors.js';
import { deployed, envDir, modelPath, parseVersion, readManifest, versions } from './modelRegistry.js';

/**
 * The model monitor watches: a model file, a registry version (`model: 3` or `v3`, as a plan
 * wires `steps.deploy.outputs.version`), or by default the version serving `env`. The registry
 * is only read here.
 */
export interface WatchedModel {
  path: string;
  /** "staging v2" or the file path, for messages. */
  label: string;
  /** The metrics recorded at deploy time, else those the model file holds from training. */
  recorded: Record<string, number>;
  target?: string;
  dataset?: string;
}

/** Metrics where a rise, not a fall, is the bad direction. */
export const LOWER_IS_BETTER = ['rmse', 'mae', 'mse', 'loss'];

function fileFacts(path: string): { recorded: Record<string, number>; target?: string; dataset?: string } {
  let data: Record<string, unknown> = {};
  try {
    data = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    // Not JSON: no recorded metrics; evaluate will say what is wrong with the file if it is used.
  }
  const recorded: Record<string, number> = {};
  const metrics = data.metrics && typeof data.metrics === 'object' ? (data.metrics as Record<string, unknown>) : {};
  for (const [k, v] of Object.entries({ ...data, ...metrics })) if (typeof v === 'number' && /^(accuracy|f1|precision|recall|rmse|mae|mse|r2|auc)$/.test(k)) recorded[k] = v;
  const facts: { recorded: Record<string, number>; target?: string; dataset?: string } = { recorded };
  if (typeof data.target === 'string') facts.target = data.target;
  if (typeof data.dataset === 'string') facts.dataset = data.dataset;
  return facts;
}

function fromRegistry(projectDir: string, env: string, version: number): WatchedModel {
  const dir = envDir(projectDir, env);
  const path = modelPath(dir, version);
  const manifest = readManifest(dir, version);
  const facts = fileFacts(path);
  const w: WatchedModel = { path, label: `${env} v${version}`, recorded: { ...facts.recorded, ...(manifest?.metrics ?? {}) } };
  if (facts.target) w.target = facts.target;
  const dataset = manifest?.dataset ?? facts.dataset;
  if (dataset) w.dataset = dataset;
  return w;
}

export function watchedModel(arg: string | undefined, env: string, projectDir: string, planDir: string): WatchedModel | undefined {
  if (arg === undefined) {
    const live = deployed(projectDir, env);
    return live && existsSync(live.path) ? fromRegistry(projectDir, env, live.version) : undefined;
  }
  const version = /^v?\d+$/i.test(arg.trim()) ? parseVersion(arg) : undefined;
  if (version !== undefined) {
    const known = versions(envDir(projectDir, env));
    if (!known.includes(version)) {
      throw new BadInputError(`model ${arg}: there is no version ${version} in the ${env} registry${known.length ? ` (it has ${known.map((v) => `v${v}`).join(', ')})` : '; nothing is deployed there'}`);
    }
    return fromRegistry(projectDir, env, version);
  }
  const path = absolute(arg, planDir);
  if (!existsSync(path) || !statSync(path).isFile()) throw new BadInputError(`model not found: ${path}; give a model file (the model output of train) or a deployed version such as v2`);
  return { path, label: path, ...fileFacts(path) };
}
