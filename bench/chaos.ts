/**
 * Chaos: the 20-step chaos plan (parallel branches, a forEach, a retried step, a nested template)
 * run again and again while baton is killed with SIGKILL at seeded random moments, `baton run` and
 * `baton resume` alike, and resumed until it finishes; then cancelled with SIGTERM and SIGINT and
 * resumed. After every run: each step's side effect happened once per attempt that reached it, no
 * process of the project is left, `PRAGMA integrity_check` is ok, and the event log folds to the
 * status tables. BATON_CHAOS_SEED picks the seed; a failing round is printed with its kill times.
 */
import { chaosCampaign, describeRound, type ChaosResult } from './chaos/harness.js';
import { findingsOk } from './chaos/checks.js';
import { CLI, fmtMs, type BenchResult, type Row } from './lib.js';

const KILLS = 60;
const CANCEL_ROUNDS = 3;

function row(metric: string, baton: string, goal: string, met: boolean | undefined): Row {
  return { metric, baton, baseline: '', ratio: '', goal, met: met === undefined ? '' : met ? 'yes' : 'no' };
}

export async function chaosBench(): Promise<BenchResult> {
  const seed = Number(process.env.BATON_CHAOS_SEED ?? 1);
  const t0 = Date.now();
  const killed = await chaosCampaign({ cli: CLI, seed, signal: 'SIGKILL', kills: KILLS, perRound: 10, maxRounds: 40 });
  const cancelled: ChaosResult[] = [];
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    cancelled.push(...(await chaosCampaign({ cli: CLI, seed: seed + 1000, signal, windowMs: [500, 1800], rounds: CANCEL_ROUNDS })));
  }
  const all = [...killed, ...cancelled];
  const count = (pick: (r: ChaosResult) => number) => all.reduce((n, r) => n + pick(r), 0);
  const kills = killed.reduce((n, r) => n + r.kills.length, 0);
  const survived = killed.filter((r) => findingsOk(r.findings)).reduce((n, r) => n + r.kills.length, 0);
  const cancels = count((r) => r.cancels);
  const cancelsOk = cancelled.filter((r) => findingsOk(r.findings)).reduce((n, r) => n + r.cancels, 0);
  const twice = count((r) => r.findings.twice.length);
  const orphans = count((r) => r.findings.orphans.length);
  const integrity = count((r) => r.findings.integrity.length);
  const folds = count((r) => r.findings.foldMismatches.length);
  const other = count((r) => r.findings.problems.length);
  const rows = [
    row(`SIGKILLs survived (${killed.length} runs, each resumed to success)`, `${survived}/${kills}`, `all, ≥ 50 tried`, survived === kills && kills >= 50),
    row(`SIGTERM and SIGINT cancels resumed to success (${cancelled.length} runs)`, `${cancelsOk}/${cancels}`, 'all', cancelsOk === cancels && cancels > 0),
    row('steps run twice', String(twice), '0', twice === 0),
    row('orphaned processes left', String(orphans), '0', orphans === 0),
    row('integrity check failures', String(integrity), '0', integrity === 0),
    row('event-log fold mismatches with the status tables', String(folds), '0', folds === 0),
    row('other failures (a run not succeeded, a step missing)', String(other), '0', other === 0),
    row('wall time, all runs', fmtMs(Date.now() - t0), '', undefined),
  ];
  const notes = [
    `seed ${seed} (BATON_CHAOS_SEED); SIGKILL 100-1500 ms after a baton (run or resume) started, up to 10 a run; SIGTERM and SIGINT 500-1800 ms after; a kill survived when its run passed every check`,
    `recovered attempts: ${recoveries(all)}`,
  ];
  const problems = all.filter((r) => !findingsOk(r.findings)).map(describeRound);
  if (kills < 50) problems.push(`only ${kills} SIGKILLs were sent (runs ended before their kill times)`);
  return { title: 'Chaos: kill -9, SIGTERM and SIGINT at random moments, then resume', rows, notes, problems };
}

/** How resume found the attempts in flight, over every run (from the transcripts). */
function recoveries(rounds: ChaosResult[]): string {
  const counts = new Map<string, number>();
  for (const line of rounds.flatMap((r) => r.transcript)) {
    const m = /\(attempt \d+\) (was still running|had finished while baton was down|was interrupted)/.exec(line);
    if (m?.[1]) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  }
  return [...counts].map(([what, n]) => `${n} ${what}`).join(', ') || 'none';
}
