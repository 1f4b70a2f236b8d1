import { describe, expect, it } from 'vitest';
import { chaosCampaign, describeRound, type ChaosResult } from '../../bench/chaos/harness.js';
import { CLI } from '../helpers/cli.js';

// Seeded kill times: a failure prints its seed and kill times; BATON_CHAOS_SEED=<seed> replays them
// (the processes' own timing still varies from one run to the next).
const SEED = Number(process.env.BATON_CHAOS_SEED ?? 20_260);

/** Every check of every round, with the round's seed, kill times and transcript when one fails. */
function expectNothingLost(rounds: ChaosResult[]): void {
  for (const r of rounds) {
    const story = `\n${describeRound(r)}\nreplay with BATON_CHAOS_SEED=${r.seed}`;
    expect(r.findings.twice, `steps ran twice${story}`).toEqual([]);
    expect(r.findings.orphans, `processes left running${story}`).toEqual([]);
    expect(r.findings.integrity, `database damaged${story}`).toEqual([]);
    expect(r.findings.foldMismatches, `event log and status tables disagree${story}`).toEqual([]);
    expect(r.findings.problems, `the run did not finish whole${story}`).toEqual([]);
  }
}

describe('chaos: baton killed at random moments loses nothing', () => {
  it('SIGKILL at 5 seeded moments (of baton run and of baton resume), resumed each time: every side effect once, no orphan, the store intact and consistent', async () => {
    const rounds = await chaosCampaign({ cli: CLI, seed: SEED, signal: 'SIGKILL', kills: 5, perRound: 5 });
    expect(rounds.reduce((n, r) => n + r.kills.length, 0), rounds.map(describeRound).join('\n')).toBe(5);
    expect(rounds.some((r) => r.retried), 'the flaky step failed and was retried').toBe(true);
    expectNothingLost(rounds);
  }, 60_000);

  it.each(['SIGTERM', 'SIGINT'] as const)('%s mid-run cancels cleanly (steps stopped, run cancelled), and resume finishes it with every side effect once', async (signal) => {
    // Late enough that baton listens for the signal, early enough that the run is not over.
    const rounds = await chaosCampaign({ cli: CLI, seed: SEED + (signal === 'SIGTERM' ? 100 : 200), signal, windowMs: [500, 1800] });
    expect(rounds.map((r) => r.cancels), rounds.map(describeRound).join('\n')).toEqual([1]);
    expect(rounds[0]?.retried, 'the flaky step failed and was retried').toBe(true);
    expectNothingLost(rounds);
  }, 30_000);
});
