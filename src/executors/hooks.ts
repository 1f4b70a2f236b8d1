import { spawn } from 'node:child_process';
import { errorMessage } from '../core/errors.js';

const HOOK_TIMEOUT_MS = 30_000;

/**
 * Runs a notification hook (argv, no shell) with the event in its environment, and reports how it
 * ended. A hook never fails a run: its errors are only recorded.
 */
export function runHook(argv: readonly string[], env: Record<string, string>, cwd: string): Promise<{ exitCode: number | null; error?: string }> {
  const [program, ...args] = argv;
  if (!program) return Promise.resolve({ exitCode: null, error: 'empty hook' });
  return new Promise((resolve) => {
    const child = spawn(program, args, { cwd, env, stdio: 'ignore', timeout: HOOK_TIMEOUT_MS });
    child.on('error', (e) => resolve({ exitCode: null, error: errorMessage(e) }));
    child.on('close', (code, signal) => resolve(code === 0 ? { exitCode: 0 } : { exitCode: code, error: signal ? `stopped by ${signal}` : `exit code ${code ?? '?'}` }));
  });
}
