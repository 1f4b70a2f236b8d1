import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseEnv } from 'node:util';
import { BatonError, errorMessage } from '../core/errors.js';
import { planSecrets } from '../core/secrets.js';
import type { PlanStep } from '../core/plan.js';
import { stateDir } from './paths.js';

/** The project's secrets: `NAME=value` lines (dotenv syntax), readable by its owner only. */
export function secretsFile(projectDir: string): string {
  return join(stateDir(projectDir), 'secrets.env');
}

function readSecretsFile(projectDir: string): Record<string, string> {
  const path = secretsFile(projectDir);
  if (!existsSync(path)) return {};
  const shown = relative(process.cwd(), path) || path;
  const stat = lstatSync(path);
  // A link could point anywhere, and its own mode says nothing about the target's.
  if (!stat.isFile()) throw new BatonError(`${shown} is not a plain file`, `make it a regular file with mode 600 (a symlink is not followed)`);
  if ((stat.mode & 0o077) !== 0) {
    throw new BatonError(`${shown} can be read by others (mode ${(stat.mode & 0o777).toString(8)}); Baton reads secrets only from a file with mode 600`, `chmod 600 ${shown}`);
  }
  try {
    return parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
  } catch (e) {
    throw new BatonError(`cannot read ${shown}: ${errorMessage(e)}`, 'write it as NAME=value lines');
  }
}

/**
 * The values of the secrets a plan reads: each from baton's environment, else from the project's
 * secrets file (read only when needed). A missing one stops the run before anything starts.
 */
export function runSecrets(plan: { env: Record<string, string>; steps: readonly PlanStep[] }, env: NodeJS.ProcessEnv, projectDir: string): Record<string, string> {
  const names = planSecrets(plan);
  if (names.length === 0) return {};
  const out: Record<string, string> = {};
  const missing: string[] = [];
  let file: Record<string, string> | undefined;
  for (const name of names) {
    const fromEnv = env[name];
    if (fromEnv !== undefined) {
      out[name] = fromEnv;
      continue;
    }
    file ??= readSecretsFile(projectDir);
    if (Object.hasOwn(file, name)) out[name] = file[name] as string;
    else missing.push(name);
  }
  if (missing.length > 0) {
    const list = missing.join(', ');
    throw new BatonError(
      `the plan reads ${missing.length === 1 ? 'secret' : 'secrets'} ${list}, which ${missing.length === 1 ? 'is' : 'are'} not set`,
      `export ${missing[0] ?? 'NAME'}=… before baton, or add ${missing[0] ?? 'NAME'}=… to ${relative(process.cwd(), secretsFile(projectDir)) || secretsFile(projectDir)} (chmod 600)`,
    );
  }
  return out;
}
