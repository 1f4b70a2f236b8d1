/**
 * Control flow: a forEach over 1,000 no-op items against the same 1,000 steps written out flat in a
 * plan (what the expansion costs) and against make -j running them; and the cost of one retry
 * decision (classify the failure from its log, look for a remedy, pick the delay) against the spawn
 * of one `true`, the least a retry then costs.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { classify, type FailureFacts } from '../src/core/failure.js';
import { BUILTIN_REMEDIES, chooseRemedy } from '../src/core/remedy.js';
import { retryDelay, shouldRetry } from '../src/core/retry.js';
import { CLI, fmtMs, fmtRatio, hasCommand, median, removeDir, runProcess, tempDir, type BenchResult, type Row } from './lib.js';

const ITEMS = 1000;
const PARALLEL = 3;
const REPEATS = 3;
const DECISIONS = 20_000;

function forEachPlan(): string {
  return `name: bench-foreach\nsteps:\n  - id: sweep\n    forEach: [${Array.from({ length: ITEMS }, (_, i) => i).join(', ')}]\n    run: ["true"]\n`;
}

function flatPlan(): string {
  return `name: bench-flat\nsteps:\n${Array.from({ length: ITEMS }, (_, i) => `  - id: s${i}\n    run: ["true"]\n`).join('')}`;
}

function makefile(): string {
  const ids = Array.from({ length: ITEMS }, (_, i) => `s${i}`);
  return `.PHONY: all ${ids.join(' ')}\nall: ${ids.join(' ')}\n${ids.map((id) => `${id}:\n\t@true\n`).join('')}`;
}

async function timeRuns(label: string, args: string[], cwd: string, problems: string[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const r = await runProcess(process.execPath, [CLI, ...args], { cwd });
    if (r.code !== 0) problems.push(`${label} exited ${r.code}: ${r.stderr.split('\n')[0] ?? ''}`);
    times.push(r.ms);
  }
  return median(times);
}

/** One retry decision as the engine makes it after a failed attempt. */
function decisionLoop(tail: string): number {
  const facts: FailureFacts = { exitCode: 1, signal: null, timedOut: false, cancelled: false, logTail: tail };
  const policy = { attempts: 3, backoff: 'exponential' as const, initialMs: 1000, maxMs: 60_000, jitter: true, on: ['transient' as const, 'resource' as const] };
  const t0 = performance.now();
  let sink = 0;
  for (let i = 0; i < DECISIONS; i++) {
    const c = classify(facts, []);
    const remedy = chooseRemedy(BUILTIN_REMEDIES, { class: c.class, timedOut: false, exitCode: 1, logTail: tail }, { batch_size: 64 }, 60_000);
    if (!remedy && shouldRetry(policy, 1, c.class)) sink += retryDelay(policy, 2);
  }
  if (sink < 0) console.log(sink);
  return (performance.now() - t0) / DECISIONS;
}

function spawnTrue(): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('true', [], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => resolve(performance.now() - t0));
  });
}

export async function controlFlowBench(): Promise<BenchResult> {
  const dir = tempDir('controlflow');
  const problems: string[] = [];
  const notes: string[] = [];
  const rows: Row[] = [];
  try {
    writeFileSync(join(dir, 'foreach.yaml'), forEachPlan());
    writeFileSync(join(dir, 'flat.yaml'), flatPlan());
    writeFileSync(join(dir, 'Makefile'), makefile());
    const common = ['--yes', '--dir', dir, '--parallel', String(PARALLEL)];
    const forEachMs = await timeRuns('forEach run', ['run', 'foreach.yaml', ...common], dir, problems);
    const flatMs = await timeRuns('flat run', ['run', 'flat.yaml', ...common], dir, problems);
    rows.push({ metric: `forEach over ${ITEMS} no-op items, --parallel ${PARALLEL}`, baton: fmtMs(forEachMs), baseline: `${fmtMs(flatMs)} (${ITEMS} steps written out)`, ratio: fmtRatio(forEachMs / flatMs), goal: '', met: '' });
    if (await hasCommand('make')) {
      const makeTimes: number[] = [];
      for (let i = 0; i < REPEATS; i++) makeTimes.push((await runProcess('make', ['-s', '-j', String(PARALLEL), 'all'], { cwd: dir })).ms);
      const makeMs = median(makeTimes);
      rows.push({ metric: `same ${ITEMS} items, against make -j${PARALLEL}`, baton: fmtMs(forEachMs), baseline: `${fmtMs(makeMs)} (make)`, ratio: fmtRatio(forEachMs / makeMs), goal: '', met: '' });
      notes.push(`per item: baton ${fmtMs(forEachMs / ITEMS)}, make ${fmtMs(makeMs / ITEMS)}`);
    }

    const tail = `${'training batch 12/40 loss 0.41\n'.repeat(400)}RuntimeError: connection reset by peer\n`.slice(-16 * 1024);
    decisionLoop(tail); // warm-up
    const decisionMs = decisionLoop(tail);
    const spawns: number[] = [];
    for (let i = 0; i < 50; i++) spawns.push(await spawnTrue());
    const spawnMs = median(spawns);
    rows.push({ metric: 'one retry decision (16 KB log tail)', baton: `${(decisionMs * 1000).toFixed(1)} µs`, baseline: `${(spawnMs * 1000).toFixed(0)} µs (spawn true)`, ratio: fmtRatio(decisionMs / spawnMs), goal: '', met: '' });
    notes.push(`${DECISIONS.toLocaleString('en-US')} decisions: classify the failure, look for a remedy, decide and time the retry`);
  } finally {
    removeDir(dir);
  }
  return { title: `Control flow: forEach over ${ITEMS} items, median of ${REPEATS}; retry decisions`, rows, notes, problems };
}
