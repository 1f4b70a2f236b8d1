import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Agent } from './agent.js';
import { absolute, num, obj, oneOf, requiredStr, str } from './lib/args.js';
import { BadInputError } from './lib/errors.js';
import { GATE_METRICS, ShadowJudge, gateConfig, parseWait, planStages, type GateMetric } from './lib/gate.js';
import { allocateVersion, appendHistory, currentVersion, modelPath, readManifest, readStage, setStatus, versionDir, writeManifest, writeStage, writableEnvDir } from './lib/modelRegistry.js';
import type { Args, StepContext } from './lib/protocol.js';
import { blueGreen, canary, rolling, type Rollout } from './lib/rollout.js';
import { loadPredictor, shadowData, type Predictor } from './lib/shadow.js';

export const ENVS = ['staging', 'production'] as const;
const STRATEGIES = ['rolling', 'canary', 'blue-green'] as const;

/** What the registry keeps of a model file without loading it: its scores and the data it learned from. */
function describeModel(path: string): { metrics: Record<string, number>; dataset: string | null } {
  try {
    const f = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    const metrics: Record<string, number> = {};
    // Format 2 keeps CV means under `metrics`; format 1 had accuracy and f1 at the top.
    const scores = typeof f.metrics === 'object' && f.metrics !== null ? (f.metrics as Record<string, unknown>) : {};
    for (const [k, v] of Object.entries({ accuracy: f.accuracy, f1: f.f1, ...scores })) if (typeof v === 'number' && Number.isFinite(v)) metrics[k] = v;
    return { metrics, dataset: typeof f.dataset === 'string' ? f.dataset : null };
  } catch {
    return { metrics: {}, dataset: null };
  }
}

/** `metrics: {accuracy: 0.93}` from an evaluate step, numbers or numeric text. */
function givenMetrics(args: Args): Record<string, number> {
  const raw = obj(args, 'metrics') ?? {};
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(raw)) {
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new BadInputError(`metrics.${k} must be a number, got ${JSON.stringify(v)}`);
    out[k] = n;
  }
  return out;
}

function stagesArg(args: Args): number[] | undefined {
  const v = args.stages;
  if (v === undefined || v === null || v === '') return undefined;
  const items: unknown[] = Array.isArray(v) ? v : typeof v === 'string' || typeof v === 'number' ? String(v).split(',') : [v];
  const stages = items.map((x) => (typeof x === 'string' ? Number(x.trim().replace(/%$/, '')) : x));
  if (!stages.every((x): x is number => typeof x === 'number' && Number.isFinite(x))) throw new BadInputError(`argument stages must list percentages such as [10, 50, 100], got ${JSON.stringify(v)}`);
  return stages;
}

function tryLoad(path: string, what: string, ctx: StepContext): Predictor | undefined {
  try {
    return loadPredictor(path, what);
  } catch (e) {
    ctx.warn(`${what} cannot be loaded for the shadow evaluation (${e instanceof Error ? e.message : String(e)}); judging the candidate alone`);
    return undefined;
  }
}

/** Publishes a model as a new version of a stage, rolling, canary or blue-green, gated by shadow evaluations. */
export const deploy: Agent = {
  name: 'deploy',
  summary: 'publish a model to a registry stage: rolling, canary or blue-green with shadow-evaluation gates',
  async run(args, ctx) {
    const model = absolute(requiredStr(args, 'model', 'the model file to deploy (the model output of a train step)'), ctx.planDir);
    if (!existsSync(model) || !statSync(model).isFile()) throw new BadInputError(`model not found: ${model}; give the model file a train step wrote`);
    const env = oneOf(args, 'env', ENVS, 'staging');
    const strategy = oneOf(args, 'strategy', STRATEGIES, 'rolling');
    const asked = num(args, 'percent', 100, { min: 1, max: 100 });
    const stages = strategy === 'canary' ? planStages(stagesArg(args), asked) : [100];
    if (strategy !== 'canary' && asked !== 100) ctx.warn(`percent ${asked} applies to canary; ${strategy} moves all traffic at once`);
    const waitMs = parseWait(args.wait);
    const metricArg = str(args, 'metric');
    if (metricArg !== undefined && !(GATE_METRICS as readonly string[]).includes(metricArg)) throw new BadInputError(`argument metric is "${metricArg}"; choose one of ${GATE_METRICS.join(', ')}`);
    const maxDrop = num(args, 'max_drop', 0.02, { min: 0 });
    const minAccuracy = num(args, 'min_accuracy', undefined, { min: 0, max: 1 });
    const dir = writableEnvDir(ctx.projectDir, env);
    const previous = currentVersion(dir);
    const described = describeModel(model);
    const given = givenMetrics(args);

    // Everything that can be wrong with the inputs is found before a version number is taken.
    const rollingGated = strategy === 'rolling' && minAccuracy !== undefined;
    const needsGate = strategy !== 'rolling' || rollingGated;
    const liveDataset = previous === undefined ? undefined : readManifest(dir, previous)?.dataset;
    const data = needsGate ? shadowData(str(args, 'shadow'), [liveDataset, described.dataset], ctx) : undefined;
    if (needsGate && !data) ctx.warn(`no shadow dataset (give shadow, a labelled held-out file): ${strategy} stages are not gated`);
    const candidate = data ? loadPredictor(model, 'model') : undefined;
    const config = gateConfig(metricArg as GateMetric | undefined, candidate?.task, maxDrop, minAccuracy);
    let live = data && previous !== undefined && strategy !== 'rolling' ? tryLoad(modelPath(dir, previous), `the serving v${previous}`, ctx) : undefined;
    if (live && candidate && live.task !== candidate.task) {
      ctx.warn(`the serving v${previous} is a ${live.task} model and the candidate a ${candidate.task} one; judging the candidate alone`);
      live = undefined;
    }
    const judge = new ShadowJudge(config, candidate, live && previous !== undefined ? { version: previous, model: live } : undefined, data);
    judge.check((text) => ctx.warn(text));

    const inFlight = readStage(dir).candidate;
    if (inFlight) {
      setStatus(dir, inFlight.version, 'rejected');
      writeStage(dir, { ...readStage(dir), candidate: null });
      appendHistory(dir, { action: 'superseded', version: inFlight.version, percent: inFlight.percent, by: 'a new deploy' });
      ctx.warn(`the canary of v${inFlight.version} at ${inFlight.percent}% is replaced by this deploy`);
    }

    const version = allocateVersion(dir);
    const path = join(versionDir(dir, version), basename(model));
    copyFileSync(model, path);
    const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
    writeManifest(dir, {
      version,
      env,
      file: basename(model),
      path,
      source: model,
      sha256,
      metrics: { ...described.metrics, ...given },
      dataset: described.dataset,
      strategy,
      percent: stages.at(-1) ?? 100,
      previous: previous ?? null,
      run: ctx.runId,
      step: ctx.stepId,
      deployedAt: new Date().toISOString(),
      status: 'candidate',
    });
    const same = previous !== undefined && readManifest(dir, previous)?.sha256 === sha256 ? ` (same content as v${previous})` : '';
    console.log(`${env}: v${version} from ${basename(model)}${same}, ${strategy}${previous === undefined ? '' : `, replacing v${previous}`}`);

    const rollout: Rollout = { dir, env, version, previous, judge, ctx };
    const results = strategy === 'canary' ? await canary(rollout, stages, waitMs) : strategy === 'blue-green' ? blueGreen(rollout) : rolling(rollout, rollingGated);
    for (const r of results) console.log(`  stage ${r.stage} ${r.percent}%: ${r.passed ? 'passed' : 'failed'}, ${r.note}`);
    const percent = results.at(-1)?.percent ?? 100;
    console.log(percent >= 100 ? `${env} now serves v${version}` : `${env}: v${version} serves ${percent}% beside ${previous === undefined ? 'nothing' : `v${previous}`}`);
    return { version, env, path, strategy, percent, previous: previous ?? null, stages: results };
  },
};
