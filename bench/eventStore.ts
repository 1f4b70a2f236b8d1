/**
 * Event store: (a) append throughput of one EventLog against raw better-sqlite3 inserts of the same
 * rows; (b) resume time of a 100k-event run (checkpoint + tail) against a full fold of the log, and
 * a cold `baton status` process against bare node start-up.
 */
import { deepStrictEqual } from 'node:assert';
import { hostname } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { eventAttempt, eventStep, type EventBody, type RunEvent } from '../src/core/events.js';
import { NO_RETRY, type ResolvedPlan, type ResolvedStep } from '../src/core/planCheck.js';
import { emptyRun, foldEvents, type RunState } from '../src/core/runState.js';
import { EventLog } from '../src/store/eventLog.js';
import { openStore, type Store } from '../src/store/open.js';
import { RunRepository, type StoredPlan } from '../src/store/runs.js';
import { CLI, fmtMs, fmtRate, fmtRatio, median, removeDir, runProcess, tempDir, timeSync, yesNo, type BenchResult, type Row } from './lib.js';

const EVENTS = 100_000;
const STEPS = 10;
const APPEND_REPEATS = 3;
const LOAD_REPEATS = 5;
const STATUS_REPEATS = 5;
const GOAL_RATE = 50_000;
const GOAL_RESUME_MS = 300;

function storedPlan(): StoredPlan {
  const steps: ResolvedStep[] = [];
  for (let i = 0; i < STEPS; i++) {
    steps.push({
      id: `step${i}`,
      run: ['true'],
      args: {},
      needs: i === 0 ? [] : [`step${i - 1}`],
      resources: [],
      env: {},
      priority: 0,
      continueOnError: false,
      errors: [],
      else: [],
      maxIterations: 5,
      export: {},
      with: {},
      checkpoint: false,
      capability: 'shell',
      retry: NO_RETRY,
      estimateKey: 'run:true',
    });
  }
  // Not an object literal typed as ResolvedPlan, so a field other work adds or drops (the plan's
  // `resources` table is new) does not break the benchmark's build.
  const fields = { name: 'bench-events', vars: {}, env: {}, resources: {}, params: {}, outputs: {}, steps };
  const plan: ResolvedPlan = fields;
  return { plan, source: 'bench', baseDir: '/tmp' };
}

/**
 * Exactly `EVENTS` event bodies: run.created, run.started, then round-robin over the steps a cycle
 * of step.started, progress and message events and step.succeeded per step, then run.finished.
 */
function eventBodies(plan: ResolvedPlan): EventBody[] {
  const ids = plan.steps.map((s) => s.id);
  const bodies: EventBody[] = [
    { type: 'run.created', name: plan.name, steps: plan.steps.map((s) => ({ id: s.id, command: s.estimateKey, needs: s.needs })) },
    { type: 'run.started', pid: process.pid, host: hostname(), parallel: 3 },
  ];
  const perStep = new Array<number>(ids.length).fill(0);
  const stepEvents = EVENTS - 3;
  for (let i = 0; i < stepEvents; i++) {
    const k = i % ids.length;
    const step = ids[k] as string;
    const j = perStep[k] as number;
    perStep[k] = j + 1;
    const phase = j % 20;
    const isLast = i >= stepEvents - ids.length;
    if (phase === 0 && !isLast) {
      bodies.push({ type: 'step.started', step, attempt: 1, agent: 'shell', workdir: `/tmp/bench/${step}`, logPath: `/tmp/bench/${step}.log` });
    } else if (phase === 19 || isLast) {
      bodies.push({ type: 'step.succeeded', step, attempt: 1, outputs: { rows: j, path: `out/${step}.csv` }, durationMs: 100 + j });
    } else if (phase <= 12) {
      bodies.push({ type: 'step.progress', step, attempt: 1, current: phase, total: 18, message: `epoch ${phase}/18 loss=${(1 / (j + 1)).toFixed(4)}` });
    } else {
      bodies.push({ type: 'step.message', step, attempt: 1, level: 'notice', text: `checkpoint written after batch ${j}` });
    }
  }
  bodies.push({ type: 'run.finished', status: 'succeeded' });
  return bodies;
}

interface AppendRun {
  dir: string;
  store: Store;
  runId: string;
  ms: number;
  events: RunEvent[];
  live: RunState;
}

async function appendOnce(stored: StoredPlan, bodies: EventBody[]): Promise<AppendRun> {
  const dir = tempDir('events');
  const store = await openStore(dir, { create: true });
  const runId = await new RunRepository(store).createRun(stored);
  const log = new EventLog(store, emptyRun(runId));
  const events = new Array<RunEvent>(bodies.length);
  const ms = timeSync(() => {
    for (let i = 0; i < bodies.length; i++) events[i] = log.append(bodies[i] as EventBody);
    log.flush();
  });
  return { dir, store, runId, ms, events, live: log.state };
}

/** The same rows through one prepared statement in one transaction, into a scratch table shaped like `events`. */
function rawInsertOnce(rows: unknown[][]): number {
  const dir = tempDir('raw');
  try {
    const db = new BetterSqlite3(join(dir, 'raw.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(`create table scratch (id integer primary key autoincrement, run_id text not null, seq integer not null, ts integer not null,
             type text not null, step_id text, attempt integer, data text not null);
             create unique index scratch_run_seq on scratch (run_id, seq);`);
    const insert = db.prepare('insert into scratch (run_id, seq, ts, type, step_id, attempt, data) values (?, ?, ?, ?, ?, ?, ?)');
    const all = db.transaction((rs: unknown[][]) => {
      for (const r of rs) insert.run(...r);
    });
    const ms = timeSync(() => all(rows));
    const count = db.prepare('select count(*) from scratch').pluck().get() as number;
    db.close();
    if (count !== rows.length) throw new Error(`raw baseline wrote ${count} rows, expected ${rows.length}`);
    return ms;
  } finally {
    removeDir(dir);
  }
}

export async function eventStoreBench(): Promise<BenchResult> {
  const title = `Event store: ${EVENTS.toLocaleString('en-US')} events of one ${STEPS}-step run`;
  const notes: string[] = [];
  const problems: string[] = [];
  const rows: Row[] = [];
  const stored = storedPlan();
  const bodies = eventBodies(stored.plan);

  // (a) append throughput, a fresh store each time; the last one is kept for (b).
  const appendMs: number[] = [];
  let kept: AppendRun | undefined;
  for (let i = 0; i < APPEND_REPEATS; i++) {
    const r = await appendOnce(stored, bodies);
    appendMs.push(r.ms);
    if (kept) {
      await kept.store.close();
      removeDir(kept.dir);
    }
    kept = r;
  }
  if (!kept) throw new Error('no append run');
  const { dir, store, runId } = kept;
  try {
    const rawRows = kept.events.map((e) => [runId, e.seq, e.ts, e.type, eventStep(e) ?? null, eventAttempt(e) ?? null, JSON.stringify(e)]);
    const rawMs: number[] = [];
    for (let i = 0; i < APPEND_REPEATS; i++) rawMs.push(rawInsertOnce(rawRows));

    const stored100k = store.sqlite.prepare('select count(*) from events where run_id = ?').pluck().get(runId) as number;
    if (stored100k !== EVENTS) problems.push(`the store holds ${stored100k} events of run ${runId}, expected ${EVENTS}`);
    const checkpoints = store.sqlite.prepare('select count(*) as n, max(seq) as last from checkpoints where run_id = ?').get(runId) as { n: number; last: number | null };
    notes.push(`checkpoints written: ${checkpoints.n}, the last at seq ${String(checkpoints.last)} (loadState folds the ${EVENTS - (checkpoints.last ?? 0)} events after it)`);

    const append = median(appendMs);
    const raw = median(rawMs);
    const rate = EVENTS / (append / 1000);
    const rawRate = EVENTS / (raw / 1000);
    notes.push(`append runs: ${appendMs.map(fmtMs).join(', ')}; raw insert runs: ${rawMs.map(fmtMs).join(', ')}`);
    notes.push('the raw baseline inserts pre-serialized rows (no fold, JSON, status tables or checkpoints): the floor of SQLite itself');
    rows.push({
      metric: 'append 100k events (EventLog, batched)',
      baton: `${fmtRate(rate)} (${fmtMs(append)})`,
      baseline: `${fmtRate(rawRate)} (${fmtMs(raw)}, raw insert)`,
      ratio: `${fmtRatio(append / raw)} time`,
      goal: `>= ${fmtRate(GOAL_RATE)}`,
      met: yesNo(rate >= GOAL_RATE),
    });

    // (b) resume: checkpoint + tail, against folding every event.
    const repo = new RunRepository(store);
    let resumed: RunState | undefined;
    const loadMs: number[] = [];
    for (let i = 0; i < LOAD_REPEATS; i++) {
      loadMs.push(
        timeSync(() => {
          resumed = repo.loadState(runId);
        }),
      );
    }
    let folded: RunState | undefined;
    const foldMs: number[] = [];
    for (let i = 0; i < LOAD_REPEATS; i++) {
      foldMs.push(
        timeSync(() => {
          folded = foldEvents(runId, repo.events(runId), emptyRun(runId));
        }),
      );
    }
    try {
      deepStrictEqual(resumed, folded);
    } catch (e) {
      problems.push(`loadState (checkpoint + tail) disagrees with the full fold: ${(e as Error).message.split('\n')[0] ?? ''}`);
    }
    try {
      deepStrictEqual(resumed, JSON.parse(JSON.stringify(kept.live)) as RunState);
    } catch (e) {
      problems.push(`loadState disagrees with the live state the EventLog folded while appending: ${(e as Error).message.split('\n')[0] ?? ''}`);
    }
    const load = median(loadMs);
    const fold = median(foldMs);
    notes.push(`loadState runs: ${loadMs.map(fmtMs).join(', ')}; full fold runs: ${foldMs.map(fmtMs).join(', ')}`);
    rows.push({
      metric: 'resume: loadState (checkpoint + tail)',
      baton: fmtMs(load),
      baseline: `${fmtMs(fold)} (full fold, no checkpoint)`,
      ratio: fmtRatio(load / fold),
      goal: `<= ${GOAL_RESUME_MS} ms`,
      met: yesNo(load <= GOAL_RESUME_MS),
    });
  } finally {
    await store.close();
  }

  try {
    // A cold `baton status` process on the closed store, interleaved with bare node start-ups.
    const statusMs: number[] = [];
    const nodeMs: number[] = [];
    for (let i = 0; i < STATUS_REPEATS; i++) {
      const s = await runProcess(process.execPath, [CLI, 'status', runId, '--json', '--dir', dir], { keepStdout: true });
      statusMs.push(s.ms);
      if (s.code !== 0) {
        problems.push(`baton status exited with ${String(s.code)}: ${s.stderr.trim().split('\n')[0] ?? ''}`);
        break;
      }
      if (i === 0) {
        try {
          const json = JSON.parse(s.stdout) as { run?: string; status?: string; steps?: { status: string }[] };
          const done = json.steps?.filter((st) => st.status === 'succeeded').length ?? 0;
          if (json.run !== runId || done !== STEPS) problems.push(`baton status --json reported run ${String(json.run)} with ${done}/${STEPS} steps succeeded`);
        } catch {
          problems.push(`baton status --json printed no JSON: ${s.stdout.slice(0, 120)}`);
        }
      }
      nodeMs.push((await runProcess(process.execPath, ['-e', '0'])).ms);
    }
    const status = median(statusMs);
    const node = median(nodeMs);
    notes.push(`status runs: ${statusMs.map(fmtMs).join(', ')}; node -e 0 runs: ${nodeMs.map(fmtMs).join(', ')}`);
    rows.push({
      metric: 'cold `baton status RUN --json` process',
      baton: fmtMs(status),
      baseline: `${fmtMs(node)} (node -e 0)`,
      ratio: fmtRatio(status / node),
      goal: '',
      met: '',
    });
  } finally {
    removeDir(dir);
  }
  return { title, rows, notes, problems };
}
