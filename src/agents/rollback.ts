import type { Agent } from './agent.js';
import { oneOf, str } from './lib/args.js';
import { BadInputError } from './lib/errors.js';
import { currentVersion, envDir, parseVersion, setCurrent, versions } from './lib/modelRegistry.js';
import { ENVS } from './deploy.js';

/** Points `current` at the version before it, or at the version asked for. */
export const rollback: Agent = {
  name: 'rollback',
  summary: 'make an earlier deployed version current again',
  run(args, ctx) {
    const env = oneOf(args, 'env', ENVS, 'staging');
    const asked = str(args, 'version');
    const dir = envDir(ctx.projectDir, env);
    const all = versions(dir);
    if (all.length === 0) throw new BadInputError(`nothing is deployed to ${env}; run deploy first`);
    const current = currentVersion(dir);
    let target: number | undefined;
    if (asked !== undefined) {
      target = parseVersion(asked);
      if (target === undefined || !all.includes(target)) throw new BadInputError(`version ${asked} is not in the ${env} registry; deployed: ${all.map((v) => `v${v}`).join(', ')}`);
    } else {
      target = all.filter((v) => current === undefined || v < current).at(-1);
      if (target === undefined) throw new BadInputError(`no version before v${current} in ${env} to roll back to`);
    }
    setCurrent(dir, target, { action: 'rollback', from: current ?? null });
    console.log(`${env}: current is now v${target}${current ? ` (was v${current})` : ''}`);
    return { version: target, env, previous: current ?? null };
  },
};
