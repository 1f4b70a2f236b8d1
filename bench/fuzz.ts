/**
 * Fuzzing at scale: 10,000 random inputs of each kind the tests fuzz (test/unit/fuzz*.test.ts)
 * run fewer of: plan data, plan files, command files and requests in plain English. Each input
 * must give a result or a one-line BatonError; anything else is a crash, and the goal is none.
 * Seeded like the tests (FUZZ_SEED), so a crash reported here reproduces.
 */
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { commandFileText, describeInput, documentText, FUZZ_SEED, outcome, planDocumentValue, planValue, requestText, type Outcome } from './fuzzInputs.js';
import { loadProject } from '../src/cli/context.js';
import { loadPlanFile } from '../src/cli/planFile.js';
import { renderPlan, summarizePlan } from '../src/cli/planView.js';
import { replan } from '../src/cli/request.js';
import { resolvePlan } from '../src/core/planCheck.js';
import { parsePlan } from '../src/core/planSchema.js';
import { plannerContext } from '../src/planner/context.js';
import { planRequest } from '../src/planner/planner.js';
import { parseCommandFile } from '../src/registry/commandFile.js';
import { fmtMs, removeDir, tempDir, type BenchResult, type Row } from './lib.js';

const RUNS = 10_000;

interface Tally {
  kind: string;
  tried: number;
  accepted: number;
  refused: number;
  crashes: { problem: string; input: string }[];
  slowestMs: number;
  totalMs: number;
}

/** Runs `RUNS` inputs through `run`, counting what each did; never stops at a crash. */
function fuzz<T>(kind: string, inputs: fc.Arbitrary<T>, run: (input: T) => Outcome<unknown>): Tally {
  const tally: Tally = { kind, tried: 0, accepted: 0, refused: 0, crashes: [], slowestMs: 0, totalMs: 0 };
  fc.check(
    fc.property(inputs, (input) => {
      const t0 = performance.now();
      const result = run(input);
      const ms = performance.now() - t0;
      tally.tried++;
      tally.totalMs += ms;
      tally.slowestMs = Math.max(tally.slowestMs, ms);
      if (result.kind === 'ok') tally.accepted++;
      else if (result.kind === 'refused') tally.refused++;
      else tally.crashes.push({ problem: result.problem.split('\n')[0] ?? '', input: describeInput(input) });
      return true;
    }),
    { seed: FUZZ_SEED, numRuns: RUNS },
  );
  return tally;
}

export function fuzzBench(): Promise<BenchResult> {
  // Synchronous work; a promise so that bench/index.ts reports a throw like any benchmark's.
  return new Promise((resolve) => resolve(runFuzz()));
}

function runFuzz(): BenchResult {
  const dir = tempDir('fuzz');
  // The classifier's cache and the user's config stay out of it.
  const previous = { cache: process.env.XDG_CACHE_HOME, config: process.env.XDG_CONFIG_HOME };
  process.env.XDG_CACHE_HOME = join(dir, '.cache');
  process.env.XDG_CONFIG_HOME = join(dir, '.config');
  try {
    const project = loadProject({ dir, json: false, yes: false, debug: false });
    const check = (raw: unknown) => {
      const plan = resolvePlan(parsePlan(raw, 'plan.yaml', 'plan'), project.catalog, 'plan.yaml');
      summarizePlan(plan, new Map());
      return renderPlan(plan, new Map());
    };
    let files = 0;
    const ctx = plannerContext(project.registry.commands, dir, project.templates.templates);
    const tallies = [
      fuzz('plan data (parsePlan, resolvePlan, the plan view)', planValue, (raw) => outcome(() => check(raw))),
      fuzz('plan files (YAML: rendered, damaged, random, 10,000 deep)', documentText(planDocumentValue), (text) => {
        const name = `p${files++ % 100}.yaml`;
        writeFileSync(join(dir, name), text);
        return outcome(() => check(loadPlanFile(name, dir).plan));
      }),
      fuzz('command files (front matter and body)', commandFileText, (text) => outcome(() => parseCommandFile(text, '.baton/commands/fuzzed.md'))),
      fuzz('requests in plain English (planner, then the plan check)', requestText, (text) =>
        outcome(() => {
          const result = planRequest(text, ctx);
          if (result.steps.length === 0 && result.clarifications.length === 0) throw new Error('neither a plan nor a question');
          return replan(result, project, dir);
        }),
      ),
    ];
    const rows: Row[] = [];
    const problems: string[] = [];
    for (const t of tallies) {
      rows.push({
        metric: `fuzz ${t.kind}: crashes in ${t.tried.toLocaleString('en-US')} inputs (${t.accepted.toLocaleString('en-US')} accepted, ${t.refused.toLocaleString('en-US')} refused in one line)`,
        baton: String(t.crashes.length),
        baseline: '',
        ratio: '',
        goal: '0',
        met: t.crashes.length === 0 ? 'yes' : 'no',
      });
      rows.push({ metric: `same inputs: mean, slowest`, baton: `${fmtMs(t.totalMs / Math.max(1, t.tried))}, ${fmtMs(t.slowestMs)}`, baseline: '', ratio: '', goal: 'no hang', met: t.slowestMs < 5_000 ? 'yes' : 'no' });
      for (const c of t.crashes.slice(0, 3)) problems.push(`${t.kind}: ${c.problem} on ${c.input}`);
      if (t.slowestMs >= 5_000) problems.push(`${t.kind}: one input took ${fmtMs(t.slowestMs)}`);
    }
    const tried = tallies.reduce((n, t) => n + t.tried, 0);
    const crashes = tallies.reduce((n, t) => n + t.crashes.length, 0);
    return {
      title: `Fuzzing: ${tried.toLocaleString('en-US')} malformed inputs, ${crashes} crashes (seed ${FUZZ_SEED})`,
      rows,
      notes: ['a crash is anything but a result or a BatonError with a one-line message: a TypeError, a stack overflow, an empty answer; FUZZ_SEED=N picks other inputs'],
      problems,
    };
  } finally {
    for (const [key, value] of [['XDG_CACHE_HOME', previous.cache], ['XDG_CONFIG_HOME', previous.config]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    removeDir(dir);
  }
}
