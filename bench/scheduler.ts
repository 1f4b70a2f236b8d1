/**
 * Scheduler overhead: a layered DAG of no-op steps run by the built CLI, against `make -j` running
 * the same DAG from a generated Makefile. Both spawn one `true` per step, so the difference is
 * what Baton adds per step (planning, events, the store, workdirs, logs) on top of process spawns.
 */
import { writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CLI, fmtMs, fmtRatio, hasCommand, median, removeDir, runProcess, tempDir, yesNo, type BenchResult, type ProcResult } from './lib.js';

const STEPS = 500;
const WIDTH = 3;
const PARALLEL = 3;
const REPEATS = 3;
const GOAL_RATIO = 1.5;

interface DagStep {
  id: string;
  needs: string[];
}

/** Level k holds WIDTH steps, each needing every step of level k-1; the last level may be partial. */
export function layeredDag(steps: number, width: number): DagStep[] {
  const out: DagStep[] = [];
  let previous: string[] = [];
  for (let level = 0; out.length < steps; level++) {
    const current: string[] = [];
    for (let i = 0; i < width && out.length < steps; i++) {
      const id = `s${out.length}`;
      out.push({ id, needs: previous });
      current.push(id);
    }
    previous = current;
  }
  return out;
}

function planYaml(dag: DagStep[]): string {
  const lines = ['name: bench-dag', 'steps:'];
  for (const s of dag) {
    lines.push(`  - id: ${s.id}`, '    run: ["true"]');
    if (s.needs.length > 0) lines.push(`    needs: [${s.needs.join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}

function makefile(dag: DagStep[]): string {
  const ids = dag.map((s) => s.id);
  const lines = [`.PHONY: all ${ids.join(' ')}`, `all: ${ids.join(' ')}`, ''];
  for (const s of dag) lines.push(`${s.id}:${s.needs.length > 0 ? ` ${s.needs.join(' ')}` : ''}`, '\t@true', '');
  return lines.join('\n');
}

/**
 * The same DAG run by a bare in-process scheduler around child_process.spawn (no store, no logs, no
 * wrapper shell): the floor any Node orchestrator pays, to tell Node's spawn cost from Baton's.
 * With `shim`, each step goes through `/bin/sh -c` first, as Baton's local executor does.
 */
function nodeFloor(dag: DagStep[], parallel: number, cwd: string, shim: boolean): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    const waiting = new Map(dag.map((s) => [s.id, s.needs.length]));
    const dependents = new Map<string, string[]>(dag.map((s) => [s.id, []]));
    for (const s of dag) for (const n of s.needs) dependents.get(n)?.push(s.id);
    const ready = dag.filter((s) => s.needs.length === 0).map((s) => s.id);
    let running = 0;
    let done = 0;
    const pump = () => {
      while (running < parallel && ready.length > 0) {
        const id = ready.shift() as string;
        running++;
        const child = shim ? spawn('/bin/sh', ['-c', '"$@"; exit $?', 'sh', 'true'], { cwd, stdio: 'ignore' }) : spawn('true', [], { cwd, stdio: 'ignore' });
        child.on('error', reject);
        child.on('close', (code) => {
          if (code !== 0) reject(new Error(`step ${id} exited with ${String(code)}`));
          running--;
          done++;
          for (const d of dependents.get(id) ?? []) {
            const left = (waiting.get(d) ?? 0) - 1;
            waiting.set(d, left);
            if (left === 0) ready.push(d);
          }
          if (done === dag.length) resolvePromise(performance.now() - t0);
          else pump();
        });
      }
    };
    pump();
  });
}

function failure(what: string, r: ProcResult): string {
  const err = r.stderr.trim().split('\n').slice(0, 6).join(' | ');
  return `${what} exited with ${String(r.code)}${err ? `: ${err}` : ''}`;
}

export async function schedulerBench(): Promise<BenchResult> {
  const title = `Scheduler overhead: ${STEPS} no-op steps, layered DAG of width ${WIDTH}, --parallel ${PARALLEL} / make -j${PARALLEL}, median of ${REPEATS}`;
  const notes: string[] = [];
  const problems: string[] = [];
  const dag = layeredDag(STEPS, WIDTH);
  const dir = tempDir('sched');
  try {
    writeFileSync(join(dir, 'plan.yaml'), planYaml(dag));
    writeFileSync(join(dir, 'Makefile'), makefile(dag));
    const haveMake = await hasCommand('make');
    if (!haveMake) notes.push('baseline missing: `make` is not on PATH, so the baton/make ratio is skipped');

    const batonArgs = [CLI, 'run', 'plan.yaml', '--yes', '--dir', dir, '--parallel', String(PARALLEL)];
    const makeArgs = ['-f', 'Makefile', `-j${PARALLEL}`, 'all'];

    // One untimed run of each: creates .baton/ (migrations) and warms the file cache, so the timed
    // runs measure a project that already exists, as in everyday use.
    const warm = await runProcess(process.execPath, batonArgs, { cwd: dir });
    if (warm.code !== 0) {
      problems.push(failure('baton run (warm-up)', warm));
      return { title, rows: [], notes, problems };
    }
    if (haveMake) await runProcess('make', makeArgs, { cwd: dir });

    const batonMs: number[] = [];
    const makeMs: number[] = [];
    let stdoutBytes = 0;
    for (let i = 0; i < REPEATS; i++) {
      const b = await runProcess(process.execPath, batonArgs, { cwd: dir });
      if (b.code !== 0) problems.push(failure(`baton run (repeat ${i + 1})`, b));
      batonMs.push(b.ms);
      stdoutBytes = b.stdoutBytes;
      if (haveMake) {
        const m = await runProcess('make', makeArgs, { cwd: dir });
        if (m.code !== 0) problems.push(failure(`make (repeat ${i + 1})`, m));
        makeMs.push(m.ms);
      }
    }
    const floorMs: number[] = [];
    const shimMs: number[] = [];
    await nodeFloor(dag, PARALLEL, dir, false);
    for (let i = 0; i < REPEATS; i++) {
      floorMs.push(await nodeFloor(dag, PARALLEL, dir, false));
      shimMs.push(await nodeFloor(dag, PARALLEL, dir, true));
    }
    const floor = median(floorMs);
    const shimFloor = median(shimMs);
    const nodeStart = median(await Promise.all([0, 1, 2].map(() => runProcess(process.execPath, ['-e', '0']).then((r) => r.ms))));

    const baton = median(batonMs);
    const make = haveMake ? median(makeMs) : Number.NaN;
    const ratio = baton / make;
    const perStep = (baton - make) / STEPS;
    notes.push(`baton runs: ${batonMs.map(fmtMs).join(', ')}; make runs: ${haveMake ? makeMs.map(fmtMs).join(', ') : 'n/a'}`);
    notes.push(`baton wrote ${stdoutBytes.toLocaleString('en-US')} bytes of progress to stdout per run (counted, discarded)`);
    notes.push(`bare node spawn loop: ${floorMs.map(fmtMs).join(', ')}; with a /bin/sh -c wrapper per step: ${shimMs.map(fmtMs).join(', ')}`);
    notes.push(`node start-up alone (node -e 0): ${fmtMs(nodeStart)}; baton per step excluding it: ${fmtMs((baton - nodeStart - make) / STEPS)}`);
    return {
      title,
      rows: [
        {
          metric: `${STEPS}-step DAG, wall clock`,
          baton: fmtMs(baton),
          baseline: haveMake ? `${fmtMs(make)} (make -j${PARALLEL})` : 'missing',
          ratio: haveMake ? fmtRatio(ratio) : 'n/a',
          goal: `within ${GOAL_RATIO}x of make`,
          met: haveMake ? yesNo(ratio <= GOAL_RATIO) : 'n/a',
        },
        {
          metric: 'same DAG, bare node spawn() loop in-process',
          baton: fmtMs(baton),
          baseline: `${fmtMs(floor)} (spawn true) / ${fmtMs(shimFloor)} (via sh -c)`,
          ratio: `${fmtRatio(baton / floor)} / ${fmtRatio(baton / shimFloor)}`,
          goal: '',
          met: '',
        },
        {
          metric: 'overhead per step ((baton - make) / steps)',
          baton: haveMake ? fmtMs(perStep) : 'n/a',
          baseline: '',
          ratio: '',
          goal: '',
          met: '',
        },
      ],
      notes,
      problems,
    };
  } finally {
    removeDir(dir);
  }
}
