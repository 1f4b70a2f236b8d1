/**
 * Planner speed: latency of planning one request after warm-up, over every request of the
 * labelled corpus (p50, p99), and the cold time of `baton plan "..." --json` as a process next to
 * `node -e 0` measured in the same run.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse as parseYaml } from 'yaml';
import { plannerContext } from '../src/planner/context.js';
import { planRequest } from '../src/planner/planner.js';
import { loadCommands } from '../src/registry/commands.js';
import { CLI, ROOT, fmtMs, fmtRatio, median, removeDir, runProcess, yesNo, type BenchResult, type Row } from './lib.js';

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

export async function plannerBench(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-bench-planner-'));
  const rows: Row[] = [];
  const notes: string[] = [];
  const problems: string[] = [];
  try {
    const requests = (parseYaml(readFileSync(join(ROOT, 'test/fixtures/planner-corpus.yaml'), 'utf8')) as { request: string }[]).map((e) => e.request);
    const ctx = plannerContext(loadCommands(dir).commands, dir);
    for (const r of requests) planRequest(r, ctx);
    const times: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (const r of requests) {
        const t0 = performance.now();
        planRequest(r, ctx);
        times.push(performance.now() - t0);
      }
    }
    const p50 = percentile(times, 50);
    const p99 = percentile(times, 99);
    rows.push({ metric: `planning latency after warm-up, p50 (${times.length} plans)`, baton: fmtMs(p50), baseline: '', ratio: '', goal: '< 5 ms', met: yesNo(p50 < 5) });
    rows.push({ metric: 'planning latency after warm-up, p99', baton: fmtMs(p99), baseline: '', ratio: '', goal: '< 20 ms', met: yesNo(p99 < 20) });

    const request = 'validate data/churn.csv, then fit a logistic regression and a random forest in parallel, and if the best accuracy is above 0.9 deploy it to staging';
    const cold: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await runProcess(process.execPath, [CLI, 'plan', request, '--json', '--dir', dir], { cwd: dir });
      if (r.code !== 0) problems.push(`baton plan exited ${r.code}: ${r.stderr.split('\n')[0] ?? ''}`);
      cold.push(r.ms);
      bare.push((await runProcess(process.execPath, ['-e', '0'])).ms);
    }
    const c = median(cold);
    const b = median(bare);
    rows.push({ metric: 'cold `baton plan "..." --json` process', baton: fmtMs(c), baseline: `${fmtMs(b)} (node -e 0)`, ratio: fmtRatio(c / b), goal: '< 400 ms', met: yesNo(c < 400) });
    notes.push('the classifier is trained once per set of command files and cached as JSON under ~/.cache/baton');
  } finally {
    removeDir(dir);
  }
  return { title: 'Planner: latency per request and cold start', rows, notes, problems };
}
