import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError } from '../core/errors.js';
import { didYouMean } from '../core/similar.js';
import { BreakerRepository } from '../store/breakers.js';
import { VariableRepository } from '../store/variables.js';
import { createdEvent, type RunEvent } from '../core/events.js';
import type { ResolvedPlan } from '../core/planCheck.js';
import { effectiveStatus, emptyRun, type RunState } from '../core/runState.js';
import { agentKey } from '../engine/breakers.js';
import { ownerAlive } from '../engine/ownership.js';
import { runDriven } from '../engine/lease.js';
import type { CliOptions, Project } from '../cli/context.js';
import { loadProject } from '../cli/context.js';
import { createEngine, maskRunLog } from '../cli/execute.js';
import { createExecutor } from '../cli/executorChoice.js';
import type { Executor } from '../executors/executor.js';
import { runSecrets } from '../registry/secrets.js';
import type { RunEngine } from '../engine/engine.js';
import { ago, colorStatus, table } from '../cli/format.js';
import { renderPlan } from '../cli/planView.js';
import { blocking, planFrom, replan, stepLines, type Planned } from '../cli/request.js';
import type { PlanResult } from '../planner/planner.js';
import { answered, questionsOf, type Answer, type Question } from './clarify.js';
import { failedLogs, runHeadline, stepTable } from '../cli/summary.js';
import { rowStatus } from '../cli/commands/runs.js';
import { EventLog } from '../store/eventLog.js';
import { recoverInFlight } from '../engine/recovery.js';
import { runToChange } from '../cli/runAccess.js';
import { rollbackRun } from '../cli/rollbackRun.js';
import { openStore, type Store } from '../store/open.js';
import { RunRepository } from '../store/runs.js';
import { stateDir } from '../registry/paths.js';

const HISTORY = 500;

/** The newest session of a project, or the one whose id starts with `prefix`. */
async function findSession(store: Store, projectDir: string, prefix?: string): Promise<string | undefined> {
  let query = store.db.selectFrom('sessions').select(['id']).where('project_dir', '=', projectDir).orderBy('created_at', 'desc');
  if (prefix !== undefined) query = query.where('id', 'like', `${prefix.replace(/[%_]/g, '')}%`);
  return (await query.executeTakeFirst())?.id;
}

/** One input per line of `.baton/history`: a pasted multi-line request is kept as a JSON string. */
const toHistoryLine = (entry: string) => (entry.includes('\n') || entry.startsWith('"') ? JSON.stringify(entry) : entry);
function fromHistoryLine(line: string): string {
  if (!line.startsWith('"')) return line;
  try {
    return String(JSON.parse(line));
  } catch {
    return line;
  }
}

export interface Proposal {
  /** What was asked, as typed: (e)dit puts it back in the input line. */
  request: string;
  /** The plan as a tree, or its steps when a question still blocks it. */
  text: string;
  /** Set when the plan can run as it is. */
  plan?: { plan: ResolvedPlan; source: string; baseDir: string };
  /** What the planner asks back; the plan cannot run while one asks for a value or nothing was found. */
  questions: Question[];
  result?: PlanResult;
}

export interface RunWatcher {
  event(e: RunEvent, state: RunState): void;
  output(step: string, line: string): void;
}

/**
 * What the REPL asks of Baton: plans, runs, listings, and the session's record in SQLite. The UI
 * renders what this returns and sends it intents; it never runs a process itself.
 */
export class SessionController {
  private session: string;
  private lastRun: string | undefined;
  private current: Pick<RunEngine, 'cancel' | 'kill' | 'cancelStep' | 'retryStep'> | undefined;

  /** The messages of a session picked up again (`--continue`, `--resume ID`), oldest first. */
  restored: { role: string; content: string }[] = [];

  private constructor(
    readonly project: Project,
    private readonly store: Store,
    sessionId: string,
  ) {
    this.session = sessionId;
  }

  get sessionId(): string {
    return this.session;
  }

  /** A new session, or with `which` the last one (`continue`) or one by id or prefix. */
  static async open(opts: CliOptions, which?: { continue: true } | { id: string }): Promise<SessionController> {
    const project = loadProject(opts);
    const store = await openStore(project.dir, { create: true });
    if (which) {
      const id = await findSession(store, project.dir, 'id' in which ? which.id : undefined);
      if (id === undefined) {
        await store.close();
        throw new NotFoundError('id' in which ? `no session "${which.id}" in ${project.dir}` : `no earlier session in ${project.dir}`, 'start one with baton; /sessions lists them');
      }
      const c = new SessionController(project, store, id);
      c.restored = await c.messages(id);
      return c;
    }
    const c = new SessionController(project, store, randomBytes(4).toString('hex'));
    await store.db.insertInto('sessions').values({ id: c.sessionId, created_at: Date.now(), title: null, project_dir: project.dir }).execute();
    return c;
  }

  /**
   * `/resume ID` when ID names a session of this project (not the current one): goes on in that
   * session, and returns its messages. Undefined when ID is no such session (it may be a run).
   */
  async switchSession(id: string): Promise<{ id: string; messages: { role: string; content: string }[] } | undefined> {
    // A run of that id comes first: resuming interrupted runs is what /resume is mostly for.
    const runs = await this.store.db.selectFrom('runs').select('id').where('id', 'like', `${id.replace(/[%_]/g, '')}%`).limit(1).execute();
    if (runs.length > 0) return undefined;
    const found = await findSession(this.store, this.project.dir, id);
    if (found === undefined || found === this.sessionId) return undefined;
    this.session = found;
    this.lastRun = undefined;
    return { id: found, messages: await this.messages(found) };
  }

  private messages(sessionId: string): Promise<{ role: string; content: string }[]> {
    return this.store.db.selectFrom('messages').select(['role', 'content']).where('session_id', '=', sessionId).orderBy('id').execute();
  }

  async record(role: 'user' | 'baton', content: string): Promise<void> {
    await this.store.db.insertInto('messages').values({ session_id: this.sessionId, role, content, created_at: Date.now() }).execute();
    // A session is known by its first request.
    if (role === 'user' && !content.startsWith('/')) await this.store.db.updateTable('sessions').set({ title: content.slice(0, 80) }).where('id', '=', this.sessionId).where('title', 'is', null).execute();
  }

  async sessionsText(): Promise<string> {
    const rows = await this.store.db
      .selectFrom('sessions')
      .leftJoin('runs', 'runs.session_id', 'sessions.id')
      .select(['sessions.id', 'sessions.created_at', 'sessions.title', (eb) => eb.fn.count<number>('runs.id').as('runs')])
      .where('sessions.project_dir', '=', this.project.dir)
      .groupBy('sessions.id')
      .orderBy('sessions.created_at', 'desc')
      .limit(15)
      .execute();
    return table(
      ['session', 'started', 'runs', 'first request'],
      rows.map((r) => [`${r.id}${r.id === this.sessionId ? ' (this)' : ''}`, ago(r.created_at), String(r.runs), r.title ?? '']),
    );
  }

  /** A plan for a request or a plan file, shown as a tree, with what the planner asks back. */
  propose(text: string): Proposal {
    const planned = planFrom(text.split(/\s+/), this.project, this.project.dir);
    if (planned.kind === 'file') return { request: text, text: renderPlan(planned.plan, new Map()), questions: [], plan: { plan: planned.plan, source: planned.source, baseDir: planned.baseDir } };
    return this.proposal(text, planned);
  }

  /** The proposal again, with an answer that changes it: an argument's value, or a step swapped. */
  answer(p: Proposal, a: Extract<Answer, { kind: 'arg' | 'replace' }>): Proposal {
    if (!p.result) return p;
    return this.proposal(p.request, replan(answered(p.result, a), this.project, this.project.dir));
  }

  private proposal(request: string, planned: Planned & { kind: 'request' }): Proposal {
    const r = planned.result;
    const out: Proposal = { request, text: planned.plan ? renderPlan(planned.plan, new Map()) : stepLines(r), questions: questionsOf(r), result: r };
    if (planned.plan && !blocking(r)) out.plan = { plan: planned.plan, source: 'request', baseDir: planned.baseDir };
    return out;
  }

  /** Runs a plan to its end; the watcher sees every event and output line. Returns the summary text. */
  async run(p: NonNullable<Proposal['plan']>, watch: RunWatcher): Promise<{ state: RunState; summary: string }> {
    runSecrets(p.plan, process.env, this.project.dir);
    const runs = new RunRepository(this.store);
    const runId = await runs.createRun({ plan: p.plan, source: p.source, baseDir: p.baseDir }, this.sessionId);
    const log = new EventLog(this.store, emptyRun(runId));
    log.subscribe((e, state) => watch.event(e, state));
    log.append(createdEvent(p.plan));
    return this.drive(log, p, 'start', watch);
  }

  /** Continues an interrupted, cancelled or failed run (the last one without an id), as `baton resume` does. */
  async resume(id: string | undefined, watch: RunWatcher): Promise<{ state: RunState; summary: string }> {
    const runs = new RunRepository(this.store);
    const target = id ?? (await this.interruptedRuns())[0]?.id ?? (await this.latestRun(runs));
    if (target === undefined) throw new NotFoundError('no run to resume', 'start one: type a request');
    const { row, state } = await runToChange(runs, target, 'wait for it to finish, or stop that baton');
    if (state.status === 'succeeded') return { state, summary: `run ${row.id} already succeeded; nothing to resume` };
    const stored = await runs.loadPlan(row.id);
    const log = new EventLog(this.store, state);
    log.subscribe((e, s) => watch.event(e, s));
    maskRunLog(log, stored.plan, this.project.dir);
    // The run's executor settles its attempts: with the queue, a step still on a worker is waited for, not run again.
    const executor = await createExecutor(this.project.config.config);
    try {
      await recoverInFlight(log, stored.plan, this.project.dir, this.project.config.config.killGraceMs, { executor });
    } catch (e) {
      executor.dispose();
      throw e;
    }
    return this.drive(log, stored, 'resume', watch, executor);
  }

  /** Runs that a baton which is gone left in flight, with where each stopped. */
  async interruptedRuns(): Promise<{ id: string; at: string }[]> {
    const runs = new RunRepository(this.store);
    const rows = (await runs.listRuns(20)).filter((r) => rowStatus(r) === 'interrupted');
    return rows.map((r) => {
      const state = runs.loadState(r.id);
      const step = state.order.map((i) => state.steps[i]).find((s) => s?.status === 'running' || s?.status === 'retrying');
      return { id: r.id, at: step ? `${step.id} (attempt ${step.attempts.length})` : 'the start' };
    });
  }

  private async drive(log: EventLog, stored: NonNullable<Proposal['plan']>, mode: 'start' | 'resume', watch: RunWatcher, given?: Executor): Promise<{ state: RunState; summary: string }> {
    this.lastRun = log.state.id;
    const { engine, executor } = await createEngine(this.project, this.store, log, stored, (step, line) => watch.output(step, line), given);
    this.current = engine;
    try {
      const state = await engine.execute(mode);
      const status = effectiveStatus(state, ownerAlive);
      const logs = failedLogs(state);
      return { state, summary: `${stepTable(state)}${logs ? `\n${logs}` : ''}\n${runHeadline(state, status)}` };
    } finally {
      this.current = undefined;
      executor.dispose();
    }
  }

  /**
   * Runs the undo of a run's completed steps after `to` (all without it), latest first, and
   * restores its workspace checkpoint, as `baton rollback` does. Returns what it did.
   */
  async rollback(id: string | undefined, to: string | undefined, watch: RunWatcher): Promise<string> {
    if (this.current) return 'a run is in progress: /cancel it first, then roll back';
    const target = id ?? (await this.latestRun(new RunRepository(this.store)));
    if (target === undefined) return 'no runs yet';
    const { runId, result: r } = await rollbackRun(this.project, this.store, target, to, {
      start: (log) => log.subscribe((e, s) => watch.event(e, s)),
      output: (step, line) => watch.output(step, line),
    });
    if (r.undone.length === 0 && r.ok) return `run ${runId}: no completed step${to ? ` after ${to}` : ''} has an undo; nothing to roll back`;
    return r.ok ? `run ${runId} rolled back: undid ${r.undone.join(', ')} (latest first)` : `run ${runId}: rollback failed: ${r.error ?? 'an undo failed'}; /logs STEP shows why`;
  }

  /** Stops the run in flight: cleanly the first time (resumable), at once the second. */
  cancel(hard = false, reason = 'cancelled by Ctrl-C'): boolean {
    if (!this.current) return false;
    if (hard) this.current.kill();
    else this.current.cancel(reason);
    return true;
  }

  /** Cancels one step of the run in flight while the rest goes on; says what happened, or why not. */
  cancelStep(id: string): string {
    return this.current ? this.current.cancelStep(id) : 'no run in progress';
  }

  /** Runs a failed or cancelled step of the run in flight again, and what was skipped for want of it. */
  retryStep(id: string): string {
    return this.current ? this.current.retryStep(id) : 'no run in progress';
  }

  /** The run a command without an id means: this session's last, else the project's newest. */
  private async latestRun(runs: RunRepository): Promise<string | undefined> {
    return this.lastRun ?? (await runs.listRuns(1))[0]?.id;
  }

  /** The id of the run in flight, or of the last one, for messages. */
  get runId(): string | undefined {
    return this.lastRun;
  }

  /** Input history of this project, newest first (`.baton/history`). */
  loadHistory(): string[] {
    try {
      return readFileSync(this.historyPath, 'utf8').split('\n').filter(Boolean).map(fromHistoryLine).reverse().slice(0, HISTORY);
    } catch {
      return [];
    }
  }

  saveHistory(newestFirst: readonly string[]): void {
    try {
      writeFileSync(this.historyPath, `${[...newestFirst].slice(0, HISTORY).reverse().map(toHistoryLine).join('\n')}\n`);
    } catch {
      // History is a convenience: a read-only project just does without it.
    }
  }

  private get historyPath(): string {
    return join(stateDir(this.project.dir), 'history');
  }

  async runsText(): Promise<string> {
    const rows = await new RunRepository(this.store).listRuns(10);
    if (rows.length === 0) return 'no runs yet: type a request, or /run FILE';
    return table(['run', 'name', 'status', 'created'], rows.map((r) => [r.id, r.name, colorStatus(rowStatus(r)), ago(r.created_at)]));
  }

  async statusText(id?: string): Promise<string> {
    const runs = new RunRepository(this.store);
    const target = id ?? (await this.latestRun(runs));
    if (target === undefined) return 'no runs yet';
    const row = await runs.findRun(target);
    const state = runs.loadState(row.id);
    return `${stepTable(state)}\n${runHeadline(state, effectiveStatus(state, () => runDriven(row.id, row)))}`;
  }

  /** The log of a step's latest attempt (of the last run without an id), its last lines. */
  async logsText(step: string, id?: string, lines = 40): Promise<string> {
    const runs = new RunRepository(this.store);
    const target = id ?? (await this.latestRun(runs));
    if (target === undefined) return 'no runs yet';
    const row = await runs.findRun(target);
    const state = runs.loadState(row.id);
    const s = state.steps[step];
    if (!s) {
      const hint = didYouMean(step, state.order);
      return `run ${row.id} has no step "${step}"${hint ? ` (${hint})` : ''}; its steps: ${state.order.join(', ')}`;
    }
    const last = s.attempts[s.attempts.length - 1];
    if (!last || !existsSync(last.logPath)) return `${step} has no log yet (${s.status})`;
    const tail = readFileSync(last.logPath, 'utf8').trimEnd().split('\n').slice(-lines);
    return [`${step}, attempt ${last.n} of run ${row.id}:`, ...tail].join('\n');
  }

  varsText(): string {
    const rows = new VariableRepository(this.store).list();
    if (rows.length === 0) return 'no variables yet: /set NAME VALUE, or export: in a plan step';
    return table(['name', 'value', 'set by'], rows.map((r) => [r.name, typeof r.value === 'string' ? r.value : JSON.stringify(r.value), r.runId ? `run ${r.runId}` : 'by hand']));
  }

  setVariable(name: string, raw: string): string {
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // Plain text stays text.
    }
    new VariableRepository(this.store).set(name, value, null);
    return `${name} = ${JSON.stringify(value)} (read it in plans as \${{ store.${name} }})`;
  }

  agentsText(): string {
    const breakers = new BreakerRepository(this.store);
    return table(
      ['agent', 'capabilities', 'concurrency', 'circuit'],
      this.project.config.config.agents.map((a) => {
        const b = breakers.get(agentKey(a.name));
        return [a.name, a.capabilities.join(', '), String(a.concurrency), b.position === 'closed' ? 'closed' : `${b.position} (${b.failures} failures)`];
      }),
    );
  }

  configText(): string {
    const { config, sources } = this.project.config;
    return table(['key', 'value', 'from'], (Object.keys(config) as (keyof typeof config)[]).map((k) => [k, JSON.stringify(config[k]).slice(0, 60), sources[k]]));
  }

  templatesText(): string {
    const defs = [...this.project.templates.templates.values()];
    if (defs.length === 0) return 'no templates: add YAML workflows to .baton/templates/';
    return table(['template', 'params', 'description'], defs.map((t) => [t.name, Object.keys(t.params).join(', '), t.description ?? '']));
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}
