import { setTimeout as sleep } from 'node:timers/promises';
import { BadInputError } from './errors.js';
import type { ShadowJudge, StageResult } from './gate.js';
import { appendHistory, promote, readStage, setStatus, writeStage, type Color } from './modelRegistry.js';
import type { StepContext } from './protocol.js';

/** One deploy in progress: the new version already sits in the registry as a candidate. */
export interface Rollout {
  dir: string;
  env: string;
  version: number;
  previous: number | undefined;
  judge: ShadowJudge;
  ctx: StepContext;
}

/**
 * A failed gate takes the candidate's traffic away (the serving version never stopped serving the
 * rest), marks it rejected and fails the step. Exit 2: the same model would fail the same gate on
 * a retry, so the engine must not redeploy it.
 */
function reject(r: Rollout, result: StageResult, what: string, outcome = 'rolled back'): never {
  setStatus(r.dir, r.version, 'rejected');
  const serving = r.previous === undefined ? `nothing serves ${r.env}` : `v${r.previous} serves all of ${r.env}`;
  appendHistory(r.dir, { action: 'rollback', automatic: true, version: r.previous ?? null, from: r.version, stage: result.stage, percent: result.percent, reason: result.note });
  throw new BadInputError(`${what} failed for v${r.version}: ${result.note}; ${outcome}, ${serving}`);
}

function report(r: Rollout, label: string, result: StageResult, total: number): void {
  const mark = result.passed ? 'passed' : 'FAILED';
  r.ctx.progress(result.stage, total, `${label}: ${mark}, ${result.note}`);
}

/** Replace at once; with min_accuracy the candidate must still reach it on the shadow rows. */
export function rolling(r: Rollout, gated: boolean): StageResult[] {
  const result: StageResult = gated
    ? r.judge.judge(1, 100)
    : { stage: 1, percent: 100, rows: null, metric: 'accuracy', candidate: null, current: null, current_version: r.previous ?? null, passed: true, note: 'replaced at once' };
  report(r, 'rolling 100%', result, 1);
  appendHistory(r.dir, { action: 'stage', strategy: 'rolling', version: r.version, ...result });
  if (!result.passed) reject(r, result, 'the rolling deploy check', 'not deployed');
  promote(r.dir, r.version, { action: 'deploy', strategy: 'rolling', percent: 100, previous: r.previous ?? null });
  return [result];
}

/** Traffic raised stage by stage, each gated; 100% makes the candidate current, less leaves it serving its share. */
export async function canary(r: Rollout, stages: readonly number[], waitMs: number): Promise<StageResult[]> {
  const done: StageResult[] = [];
  for (const [i, percent] of stages.entries()) {
    const result = r.judge.judge(i + 1, percent);
    done.push(result);
    report(r, `canary ${percent}%`, result, stages.length);
    appendHistory(r.dir, { action: 'stage', strategy: 'canary', version: r.version, ...result });
    if (!result.passed) {
      writeStage(r.dir, { ...readStage(r.dir), candidate: null });
      reject(r, result, `canary stage ${i + 1} (${percent}%)`);
    }
    if (percent >= 100) {
      promote(r.dir, r.version, { action: 'deploy', strategy: 'canary', percent: 100, previous: r.previous ?? null });
    } else {
      writeStage(r.dir, { ...readStage(r.dir), candidate: { version: r.version, percent } });
      const next = stages[i + 1];
      if (next !== undefined && waitMs > 0) {
        r.ctx.progress(i + 1, stages.length, `canary ${percent}%: waiting ${waitMs / 1000}s before ${next}%`);
        await sleep(waitMs);
      }
    }
  }
  return done;
}

/** The candidate goes to the idle colour, is checked there, then takes all traffic at once. */
export function blueGreen(r: Rollout): StageResult[] {
  const stage = readStage(r.dir);
  const colors = stage.colors ?? { blue: r.previous ?? null, green: null, live: 'blue' as Color };
  const idle: Color = colors.live === 'blue' ? 'green' : 'blue';
  const before = colors[idle];
  writeStage(r.dir, { ...stage, candidate: null, colors: { ...colors, [idle]: r.version } });
  appendHistory(r.dir, { action: 'stage', strategy: 'blue-green', version: r.version, color: idle, note: `v${r.version} deployed to idle ${idle}` });
  const result = r.judge.judge(1, 100);
  report(r, `blue-green check on ${idle}`, result, 1);
  appendHistory(r.dir, { action: 'stage', strategy: 'blue-green', version: r.version, color: idle, ...result });
  if (!result.passed) {
    // The idle colour goes back to what it held, so a later rollback can still switch to it.
    writeStage(r.dir, { ...readStage(r.dir), colors: { ...colors, [idle]: before } });
    setStatus(r.dir, r.version, 'rejected');
    appendHistory(r.dir, { action: 'check-failed', automatic: true, version: r.previous ?? null, from: r.version, color: idle, reason: result.note });
    throw new BadInputError(`blue-green check on ${idle} failed for v${r.version}: ${result.note}; traffic stays on ${colors.live}${r.previous === undefined ? '' : ` (v${r.previous})`}`);
  }
  promote(r.dir, r.version, { action: 'deploy', strategy: 'blue-green', percent: 100, color: idle, previous: r.previous ?? null });
  return [{ ...result, note: `${result.note}; switched traffic from ${colors.live} to ${idle}` }];
}
