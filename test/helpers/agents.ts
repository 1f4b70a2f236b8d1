import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandFile } from '../../src/registry/commandFile.js';

// The compiled programs, exactly as the engine runs them (`npm test` builds before vitest).
const MAIN = fileURLToPath(new URL('../../dist/src/agents/main.js', import.meta.url));
const COMMANDS = fileURLToPath(new URL('../../commands/', import.meta.url));

export interface StepResult {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, unknown>;
}

/** A project folder for agent tests, removed by `cleanup`. */
export function agentDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'baton-agents-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs a builtin as the engine does: BATON_ARGS in, BATON_OUTPUT out, an empty step folder. */
export function runStep(dir: string, builtin: string, args: Record<string, unknown>, id = builtin, extraEnv: Record<string, string> = {}): StepResult {
  const cwd = join(dir, 'steps', id);
  mkdirSync(cwd, { recursive: true });
  const output = join(cwd, 'outputs');
  const env = { PATH: process.env.PATH ?? '', BATON_ARGS: JSON.stringify(args), BATON_OUTPUT: output, BATON_WORKSPACE: join(dir, 'ws'), BATON_PROJECT_DIR: dir, BATON_PLAN_DIR: dir, BATON_STEP_ID: id, BATON_RUN_ID: 'r1', BATON_ATTEMPT: '1', ...extraEnv };
  const r = spawnSync(process.execPath, [MAIN, builtin], { cwd, env, encoding: 'utf8' });
  const outputs = existsSync(output) ? (JSON.parse(readFileSync(output, 'utf8')) as Record<string, unknown>) : {};
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, outputs };
}

/** Runs a builtin by hand: flags in, outputs JSON on stdout. */
export function runByHand(dir: string, argv: string[]): StepResult {
  const r = spawnSync(process.execPath, [MAIN, ...argv], { cwd: dir, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, outputs: {} };
}

/** The outputs a command file declares. */
export function declaredOutputs(name: string): string[] {
  return parseCommandFile(readFileSync(join(COMMANDS, `${name}.md`), 'utf8'), `${name}.md`).outputs;
}
