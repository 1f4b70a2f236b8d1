import type { Agent } from './agent.js';
import { oneOf, str } from './lib/args.js';
import { BadInputError } from './lib/errors.js';
import { appendHistory, currentVersion, parseVersion, promote, readStage, restorable, setStatus, versions, writeStage, writableEnvDir } from './lib/modelRegistry.js';
import { ENVS } from './deploy.js';

/**
 * Restores the version before the serving one (skipping versions that failed a gate or were
 * rolled away from), or the version asked for. A canary in flight is rolled back first: its
 * share of traffic goes back to the serving version, and that alone is the rollback.
 */
export const rollback: Agent = {
  name: 'rollback',
  summary: 'make an earlier deployed version serve a stage again',
  run(args, ctx) {
    const env = oneOf(args, 'env', ENVS, 'staging');
    const asked = str(args, 'to') ?? str(args, 'version');
    const dir = writableEnvDir(ctx.projectDir, env);
    const all = versions(dir);
    if (all.length === 0) throw new BadInputError(`nothing is deployed to ${env}; run deploy first`);
    const current = currentVersion(dir);
    const inFlight = readStage(dir).candidate;

    let target: number | undefined;
    if (asked !== undefined) {
      target = parseVersion(asked);
      if (target === undefined || !all.includes(target)) throw new BadInputError(`version ${asked} is not in the ${env} registry; deployed: ${all.map((v) => `v${v}`).join(', ')}`);
    } else if (inFlight && current !== undefined) {
      target = current;
    } else {
      target = restorable(dir, current);
      if (target === undefined) {
        const since = current === undefined ? '' : ` before v${current}`;
        throw new BadInputError(`no previous version${since} in ${env} to roll back to; deploy another model, or give to: with a version (deployed: ${all.map((v) => `v${v}`).join(', ')})`);
      }
    }

    if (target === current && !inFlight) throw new BadInputError(`v${target} already serves ${env}; name an earlier version with to:`);
    const from = inFlight && target === current ? inFlight.version : current;
    if (inFlight) {
      setStatus(dir, inFlight.version, 'rolled-back');
      writeStage(dir, { ...readStage(dir), candidate: null });
    }
    if (current !== undefined && current !== target) setStatus(dir, current, 'rolled-back');
    if (target === current) appendHistory(dir, { action: 'rollback', version: target, from: from ?? null, canary: inFlight?.percent ?? null });
    else promote(dir, target, { action: 'rollback', from: from ?? null, run: ctx.runId, step: ctx.stepId });
    console.log(`${env}: v${target} serves again${from === undefined ? '' : ` (rolled back from v${from})`}`);
    return { version: target, env, restored_from: from ?? null, previous: from ?? null };
  },
};
