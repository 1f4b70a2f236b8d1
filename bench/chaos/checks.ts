/**
 * What must hold after a run that was killed and resumed until it finished: it succeeded; every
 * step's side effect happened exactly once per attempt that got that far (the effects file against
 * the attempts table); no process of the project survives; the database is intact; and the event
 * log folds to the state the status tables hold.
 */
import Database from 'better-sqlite3';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../src/core/events.js';
import { foldEvents } from '../../src/core/runState.js';
import { ALL_STEPS, EFFECTS, LEAF_STEPS } from './plan.js';

export interface Findings {
  /** Anything wrong that the counts below do not cover (the run failed, a step is missing, ...). */
  problems: string[];
  /** Steps whose side effect happened more than once, or for an attempt not recorded as having done it. */
  twice: string[];
  /** Processes of the project still alive, as `pid cmdline`. */
  orphans: string[];
  /** `PRAGMA integrity_check` when it is not `ok`. */
  integrity: string[];
  /** Where the fold of the event log and the status tables disagree. */
  foldMismatches: string[];
}

interface AttemptRow {
  step_id: string;
  attempt: number;
  status: string;
  exit_code: number | null;
}

/**
 * Live (non-zombie) processes of the project, as `pid cmdline`: steps, found by their environment
 * (BATON_PROJECT_DIR); with `all`, also baton's launcher and step wrappers, found by their working
 * folder inside the project.
 */
export function projectProcesses(dir: string, all = true): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const step = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`BATON_PROJECT_DIR=${dir}`);
      let cwd = '';
      try {
        cwd = readlinkSync(`/proc/${entry}/cwd`);
      } catch {
        // Not ours to read.
      }
      if (!step && !(all && (cwd === dir || cwd.startsWith(`${dir}/`)))) continue;
      found.push(`${entry} ${readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()}`);
    } catch {
      // Exited while we looked, or not ours to read.
    }
  }
  return found;
}

/** Waits up to `ms` for the project's processes to be gone; returns what is left. */
export async function orphansAfter(dir: string, ms: number): Promise<string[]> {
  const deadline = Date.now() + ms;
  let left = projectProcesses(dir);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    left = projectProcesses(dir);
  }
  return left;
}

/** The effects file as (step, attempt) → verdicts. */
function effectsByAttempt(dir: string): Map<string, string[]> {
  const path = join(dir, EFFECTS);
  const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
  const map = new Map<string, string[]>();
  for (const line of lines) {
    const [step, attempt, verdict] = line.split(' ');
    const key = `${step ?? ''} ${attempt ?? ''}`;
    map.set(key, [...(map.get(key) ?? []), verdict ?? '']);
  }
  return map;
}

function checkEffects(db: Database.Database, dir: string, runId: string, f: Findings): void {
  const attempts = db.prepare('select step_id, attempt, status, exit_code from attempts where run_id = ?').all(runId) as AttemptRow[];
  const effects = effectsByAttempt(dir);
  const twice = new Set<string>();
  for (const a of attempts) {
    const key = `${a.step_id} ${a.attempt}`;
    const verdicts = effects.get(key) ?? [];
    effects.delete(key);
    // An attempt that succeeded did its work once; one that failed with exit 1 is the flaky step's
    // failure, which leaves its line; anything else (interrupted, cancelled) never got that far.
    const expected = a.status === 'succeeded' ? ['ok'] : a.status === 'failed' && a.exit_code === 1 ? ['fail'] : [];
    if (verdicts.join() === expected.join()) continue;
    const what = `${a.step_id} attempt ${a.attempt} (${a.status}${a.exit_code !== null ? `, exit ${a.exit_code}` : ''}) left ${verdicts.length ? verdicts.join(', ') : 'no line'}`;
    if (verdicts.length > expected.length) twice.add(`${a.step_id}: ${what}`);
    else f.problems.push(what);
  }
  for (const [key, verdicts] of effects) twice.add(`${key.split(' ')[0] ?? ''}: ${verdicts.join(', ')} from attempt ${key.split(' ')[1] ?? ''}, which the attempts table does not hold`);
  f.twice.push(...twice);

  // The same comparison by counts, as a user would make it.
  const succeeded = new Map((db.prepare("select step_id, count(*) as n from attempts where run_id = ? and status = 'succeeded' group by step_id").all(runId) as { step_id: string; n: number }[]).map((r) => [r.step_id, r.n]));
  for (const id of LEAF_STEPS) {
    if (succeeded.get(id) !== 1) f.problems.push(`${id} has ${succeeded.get(id) ?? 0} succeeded attempts`);
  }
}

export function checkFold(db: Database.Database, runId: string, f: Findings): void {
  const rows = db.prepare('select seq, data from events where run_id = ? order by seq').all(runId) as { seq: number; data: string }[];
  rows.forEach((r, i) => {
    if (r.seq !== i + 1) f.foldMismatches.push(`event ${i + 1} has seq ${r.seq}`);
  });
  const state = foldEvents(runId, rows.map((r) => JSON.parse(r.data) as RunEvent));
  const run = db.prepare('select status, last_seq from runs where id = ?').get(runId) as { status: string; last_seq: number } | undefined;
  if (run?.status !== state.status) f.foldMismatches.push(`run: table ${run?.status ?? 'missing'}, fold ${state.status}`);
  if (run?.last_seq !== state.lastSeq) f.foldMismatches.push(`run: table last_seq ${run?.last_seq ?? 'missing'}, fold ${state.lastSeq}`);
  const steps = db.prepare('select step_id, status, attempts from steps where run_id = ?').all(runId) as { step_id: string; status: string; attempts: number }[];
  const seen = new Set<string>();
  for (const s of steps) {
    seen.add(s.step_id);
    const folded = state.steps[s.step_id];
    if (!folded) f.foldMismatches.push(`${s.step_id}: in the steps table, not in the fold`);
    else if (folded.status !== s.status || folded.attempts.length !== s.attempts) {
      f.foldMismatches.push(`${s.step_id}: table ${s.status} × ${s.attempts}, fold ${folded.status} × ${folded.attempts.length}`);
    }
  }
  for (const id of state.order) if (!seen.has(id)) f.foldMismatches.push(`${id}: in the fold, not in the steps table`);
  const attempts = db.prepare('select step_id, attempt, status from attempts where run_id = ?').all(runId) as AttemptRow[];
  for (const a of attempts) {
    const folded = state.steps[a.step_id]?.attempts[a.attempt - 1];
    if (folded?.status !== a.status) f.foldMismatches.push(`${a.step_id} attempt ${a.attempt}: table ${a.status}, fold ${folded?.status ?? 'missing'}`);
  }
  const folded = Object.values(state.steps).reduce((n, s) => n + s.attempts.filter(Boolean).length, 0);
  if (folded !== attempts.length) f.foldMismatches.push(`${attempts.length} attempts in the table, ${folded} in the fold`);
}

/**
 * Every check, over a finished run; `retried` says whether the flaky step's failure and retry
 * happened (an attempt failed with its line, a later one succeeded), so the round tested them.
 */
export async function checkRun(dir: string, runId: string): Promise<{ findings: Findings; retried: boolean }> {
  const f: Findings = { problems: [], twice: [], orphans: [], integrity: [], foldMismatches: [] };
  let retried = false;
  f.orphans = await orphansAfter(dir, 1000);
  const db = new Database(join(dir, '.baton', 'baton.db'), { readonly: true });
  try {
    const integrity = db.prepare('pragma integrity_check').pluck().all() as string[];
    if (integrity.join() !== 'ok') f.integrity.push(...integrity);
    const status = db.prepare('select status from runs where id = ?').pluck().get(runId) as string | undefined;
    if (status !== 'succeeded') f.problems.push(`run ${runId} is ${status ?? 'missing'}, not succeeded`);
    const steps = new Map((db.prepare('select step_id, status from steps where run_id = ?').all(runId) as { step_id: string; status: string }[]).map((r) => [r.step_id, r.status]));
    for (const id of ALL_STEPS) if (steps.get(id) !== 'succeeded') f.problems.push(`step ${id} is ${steps.get(id) ?? 'missing'}`);
    checkEffects(db, dir, runId, f);
    checkFold(db, runId, f);
    const flaky = db.prepare("select status from attempts where run_id = ? and step_id = 'flaky' and (status = 'succeeded' or exit_code = 1) order by attempt").pluck().all(runId) as string[];
    retried = flaky.join() === 'failed,succeeded';
  } finally {
    db.close();
  }
  return { findings: f, retried };
}

export function findingsOk(f: Findings): boolean {
  return f.problems.length + f.twice.length + f.orphans.length + f.integrity.length + f.foldMismatches.length === 0;
}
