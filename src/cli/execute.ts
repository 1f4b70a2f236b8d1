import { isBatonError } from '../core/errors.js';
import { Masker } from '../core/secrets.js';
import { effectiveStatus, type RunState } from '../core/runState.js';
import { RunEngine } from '../engine/engine.js';
import { ownerAlive } from '../engine/ownership.js';
import { WorkspaceGoneError } from '../engine/workspaceWatch.js';
import { asDiskError } from '../store/diskErrors.js';
import type { Executor } from '../executors/executor.js';
import { createExecutor } from './executorChoice.js';
import { runHook } from '../executors/hooks.js';
import { runSecrets } from '../registry/secrets.js';
import type { EventLog } from '../store/eventLog.js';
import type { Store } from '../store/open.js';
import { RunRepository, type StoredPlan } from '../store/runs.js';
import { VariableRepository } from '../store/variables.js';
import { BreakerRepository } from '../store/breakers.js';
import type { CliOptions, Project } from './context.js';
import { yellow } from './format.js';
import { progressLine } from './progress.js';
import { exitCodeFor, failedLogs, runHeadline, runJson, stepTable } from './summary.js';
import { loadTerminalUi } from './terminalUi.js';

/**
 * Masks the secrets a run's plan reads in its event log from now on (the engine does too, once it
 * exists): call it before resume's recovery records what steps left behind.
 */
export function maskRunLog(log: EventLog, plan: StoredPlan['plan'], projectDir: string): void {
  log.mask(new Masker(Object.values(runSecrets(plan, process.env, projectDir))));
}

/** An engine for a run, wired to this project's store, executor and hooks. */
export async function createEngine(
  project: Project,
  store: Store,
  log: EventLog,
  stored: StoredPlan,
  onOutput?: (step: string, line: string) => void,
  given?: Executor,
): Promise<{ engine: RunEngine; executor: Executor }> {
  const runs = new RunRepository(store);
  const history = await runs.durationHistory();
  const failureRates = new Map((await runs.commandHistory()).map((h) => [h.command, h.failureRate]));
  const executor = given ?? (await createExecutor(project.config.config));
  const deps = {
    executor,
    secrets: runSecrets(stored.plan, process.env, project.dir),
    config: project.config.config,
    projectDir: project.dir,
    env: process.env,
    variables: new VariableRepository(store),
    breakers: new BreakerRepository(store),
    runHook: (argv: readonly string[], env: Record<string, string>) => runHook(argv, env, project.dir),
  };
  const options = { parallel: project.config.config.parallel, history, failureRates, ...(onOutput ? { onOutput } : {}) };
  return { engine: new RunEngine(deps, log, stored, options), executor };
}

export function printProgress(log: EventLog): void {
  log.subscribe((e, state) => {
    const line = progressLine(e, state);
    if (line !== undefined) process.stdout.write(`${line}\n`);
  });
}

/**
 * Runs a prepared run to its end with progress lines, Ctrl-C handling and the final summary; the
 * shared tail of `baton run` and `baton resume`. Returns the exit code.
 */
export async function executeRun(
  project: Project,
  store: Store,
  log: EventLog,
  stored: StoredPlan,
  mode: 'start' | 'resume',
  opts: CliOptions,
  given?: Executor,
): Promise<number> {
  // On a terminal, the live view; in a pipe or CI, plain lines (no escape codes).
  const live = !opts.json && process.stdout.isTTY && process.env.TERM !== 'dumb' ? await loadTerminalUi(() => import('../ui/live/mount.js')) : undefined;
  const view = live?.mountLiveView(log, project.config.config.parallel);
  const { engine, executor } = await createEngine(project, store, log, stored, view ? (step, line) => view.output(step, line) : undefined, given);
  if (!opts.json && !view) printProgress(log);
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write(yellow(`\n${signal === 'SIGINT' ? 'Ctrl-C' : signal}: cancelling run ${log.state.id} (resumable with \`baton resume ${log.state.id}\`); press Ctrl-C again to kill at once\n`));
      engine.cancel(signal === 'SIGINT' ? 'cancelled by Ctrl-C' : `cancelled by ${signal}`);
    } else {
      engine.kill();
    }
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  let state: RunState;
  try {
    state = await engine.execute(mode);
  } catch (caught) {
    const e = asDiskError(caught, store.path);
    // A deleted workspace cannot be resumed: its own message says to start again.
    if (isBatonError(e) && !(e instanceof WorkspaceGoneError)) e.message += ` (run ${log.state.id} stopped; \`baton resume ${log.state.id}\` continues it)`;
    throw e;
  } finally {
    for (const s of signals) process.off(s, onSignal);
    executor.dispose();
    view?.stop();
  }
  const status = effectiveStatus(state, ownerAlive);
  printOutcome(state, status, opts);
  return exitCodeFor(status);
}

export function printOutcome(state: RunState, status: RunState['status'], opts: CliOptions): void {
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(runJson(state, status))}\n`);
    return;
  }
  const logs = failedLogs(state);
  process.stdout.write(`\n${stepTable(state)}\n${logs ? `\n${logs}\n` : ''}\n${runHeadline(state, status)}\n`);
}
