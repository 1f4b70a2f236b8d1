import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Agent } from './agent.js';
import { absolute, num, oneOf, requiredStr } from './lib/args.js';
import { BadInputError } from './lib/errors.js';
import { currentVersion, envDir, setCurrent, versions } from './lib/modelRegistry.js';

export const ENVS = ['staging', 'production'] as const;

/** Copies the model into the local registry as a new version and makes it current. */
export const deploy: Agent = {
  name: 'deploy',
  summary: 'publish a model file as a new version in the local registry',
  run(args, ctx) {
    const model = absolute(requiredStr(args, 'model', 'the model file to deploy (the model output of a train step)'), ctx.planDir);
    if (!existsSync(model) || !statSync(model).isFile()) throw new BadInputError(`model not found: ${model}; give the model file a train step wrote`);
    const env = oneOf(args, 'env', ENVS, 'staging');
    const strategy = oneOf(args, 'strategy', ['rolling', 'canary', 'blue-green'] as const, 'rolling');
    const percent = num(args, 'percent', 100, { min: 0, max: 100 });
    const dir = envDir(ctx.projectDir, env);
    const previous = currentVersion(dir);
    const version = (versions(dir).at(-1) ?? 0) + 1;
    const versionDir = join(dir, `v${version}`);
    mkdirSync(versionDir, { recursive: true });
    const path = join(versionDir, basename(model));
    copyFileSync(model, path);
    const manifest = {
      version,
      env,
      strategy,
      percent,
      source: model,
      sha256: createHash('sha256').update(readFileSync(path)).digest('hex'),
      previous: previous ?? null,
      run: ctx.runId,
      deployedAt: new Date().toISOString(),
    };
    writeFileSync(join(versionDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    setCurrent(dir, version, { action: 'deploy', strategy, percent });
    if (strategy !== 'rolling' || percent !== 100) ctx.warn(`the local registry records ${strategy} at ${percent}% but serves no traffic itself`);
    console.log(`deployed ${basename(model)} to ${env} as v${version}${previous ? ` (was v${previous})` : ''}`);
    return { version, env, path, strategy, percent, previous: previous ?? null };
  },
};
