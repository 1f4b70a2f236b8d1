import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { createdEvent } from '../../src/core/events.js';
import { resolvePlan } from '../../src/core/planCheck.js';
import { parsePlan } from '../../src/core/planSchema.js';
import { emptyRun } from '../../src/core/runState.js';
import { runPaths, type RunPaths } from '../../src/engine/workspace.js';
import type { LaunchSpec } from '../../src/executors/launcher.js';
import { loadCommands } from '../../src/registry/commands.js';
import { DEFAULT_CONFIG } from '../../src/registry/config.js';
import { EventLog } from '../../src/store/eventLog.js';
import { openStore } from '../../src/store/open.js';
import { RunRepository } from '../../src/store/runs.js';
import { ROOT, tempProject } from './cli.js';

export interface CrashedRun {
  dir: string;
  runId: string;
  paths: RunPaths;
}

/** A run of `planYaml` whose baton died right after recording the start of `step` (attempt 1), before any process existed. */
export async function diedAfterStarting(planYaml: string, step: string): Promise<CrashedRun> {
  const dir = tempProject();
  const plan = resolvePlan(parsePlan(parseYaml(planYaml), 'plan.yaml'), { commands: loadCommands(dir).commands, agents: DEFAULT_CONFIG.agents, resources: {} }, 'plan.yaml');
  const store = await openStore(dir, { create: true });
  const runId = await new RunRepository(store).createRun({ plan, source: 'plan.yaml', baseDir: dir });
  const paths = runPaths(dir, runId);
  paths.prepare();
  const gone = spawnSync('true').pid ?? 1;
  const log = new EventLog(store, emptyRun(runId));
  log.append(createdEvent(plan));
  log.append({ type: 'run.started', pid: gone, host: hostname(), parallel: 3 });
  log.append({ type: 'step.started', step, attempt: 1, agent: 'shell', workdir: paths.stepDir(step), logPath: paths.attemptFile(step, 1, 'log') });
  log.flush();
  await store.close();
  return { dir, runId, paths };
}

/** What baton's launcher would have been handed for attempt 1 of `step` running `argv`. */
export function launchSpec(run: CrashedRun, step: string, argv: string[]): LaunchSpec {
  const file = (kind: 'log' | 'outputs' | 'pid' | 'exit' | 'claim') => run.paths.attemptFile(step, 1, kind);
  mkdirSync(run.paths.stepDir(step), { recursive: true });
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', BATON_RUN_ID: run.runId, BATON_STEP_ID: step, BATON_ATTEMPT: '1', BATON_OUTPUT: file('outputs'), BATON_PROJECT_DIR: run.dir };
  return { argv, cwd: run.paths.stepDir(step), env, logPath: file('log'), pidFile: file('pid'), exitFile: file('exit'), claimFile: file('claim') };
}

/**
 * Plays a baton that hands `spec` to its launcher and dies (SIGKILL) before the launcher gets to
 * it: the launcher is held (SIGSTOP) until baton is gone, so the job starts with nobody reading
 * its reports. Resolves once the step has started (its pid file exists).
 */
export async function launchAndDie(spec: LaunchSpec): Promise<void> {
  const launcherJs = join(ROOT, 'dist/src/executors/launcher.js');
  const script = `
    import { writeSync } from 'node:fs';
    const { Launcher } = await import(${JSON.stringify(launcherJs)});
    const launcher = new Launcher();
    const pid = launcher.proc.pid;
    process.kill(pid, 'SIGSTOP');
    launcher.launch(${JSON.stringify(spec)}, { onStart() {}, onExit() {}, onLost() {} });
    writeSync(1, String(pid) + '\\n');
    process.kill(process.pid, 'SIGKILL');`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  const launcher = Number(r.stdout.trim());
  if (!(launcher > 0)) throw new Error(`the dying baton did not start its launcher: ${r.stderr}`);
  process.kill(launcher, 'SIGCONT');
  const deadline = Date.now() + 5000;
  while (!existsSync(spec.pidFile) || readFileSync(spec.pidFile, 'utf8').trim() === '') {
    if (Date.now() > deadline) throw new Error('the step never started');
    await new Promise((res) => setTimeout(res, 10));
  }
}
