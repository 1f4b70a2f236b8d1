/**
 * `npm run bench` (or `node dist/bench/index.js [scheduler|events|controlflow|planner|ui|tune|chaos]`): runs the benchmarks, prints a
 * table per benchmark and a Markdown summary for the README's Performance section.
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { chaosBench } from './chaos.js';
import { controlFlowBench } from './controlFlow.js';
import { eventStoreBench } from './eventStore.js';
import { floodBench } from './flood.js';
import { fuzzBench } from './fuzz.js';
import { plannerBench } from './planner.js';
import { queueBench } from './queue.js';
import { CLI, ROW_HEADER, machine, markdownTable, printResult, rowCells, type BenchResult } from './lib.js';
import { schedulerBench } from './scheduler.js';
import { tuneBench } from './tune.js';
import { uiBench } from './ui.js';

const BENCHES: { name: string; aliases: string[]; run: () => Promise<BenchResult> }[] = [
  { name: 'scheduler', aliases: ['sched', 'dag'], run: schedulerBench },
  { name: 'events', aliases: ['event', 'store', 'eventstore', 'eventStore'], run: eventStoreBench },
  { name: 'controlflow', aliases: ['foreach', 'retry', 'control'], run: controlFlowBench },
  { name: 'planner', aliases: ['plan', 'nl'], run: plannerBench },
  { name: 'ui', aliases: ['live', 'tui', 'render'], run: uiBench },
  { name: 'tune', aliases: ['bayes', 'hpo'], run: tuneBench },
  { name: 'fuzz', aliases: ['fuzzing'], run: fuzzBench },
  { name: 'chaos', aliases: ['kill', 'crash'], run: chaosBench },
  { name: 'flood', aliases: ['output', 'logs'], run: floodBench },
  { name: 'queue', aliases: ['bullmq', 'workers'], run: queueBench },
];

async function main(argv: string[]): Promise<number> {
  const filters = argv.filter((a) => !a.startsWith('-'));
  const selected = filters.length === 0 ? BENCHES : BENCHES.filter((b) => filters.some((f) => f === b.name || b.aliases.includes(f)));
  if (selected.length === 0) {
    console.error(`unknown benchmark ${filters.join(', ')}; choose from: ${BENCHES.map((b) => b.name).join(', ')}`);
    return 2;
  }
  if (!existsSync(CLI)) {
    console.error(`${CLI} is missing; run npm run build first (npm run bench does)`);
    return 2;
  }
  console.log(`Baton benchmarks on ${machine()}`);
  const t0 = performance.now();
  const results: BenchResult[] = [];
  for (const b of selected) {
    let result: BenchResult;
    try {
      result = await b.run();
    } catch (e) {
      result = { title: b.name, rows: [], notes: [], problems: [`the benchmark threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`] };
    }
    printResult(result);
    results.push(result);
  }

  console.log('\n## Summary (Markdown, for the README\'s Performance section)\n');
  console.log(`Measured on ${machine()} with \`npm run bench\`.\n`);
  console.log(markdownTable(ROW_HEADER, results.flatMap((r) => r.rows.map(rowCells))));
  const problems = results.flatMap((r) => r.problems);
  console.log(`\n(total bench time ${((performance.now() - t0) / 1000).toFixed(1)} s${problems.length > 0 ? `, ${problems.length} problem(s) reported above` : ''})`);
  return problems.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);
