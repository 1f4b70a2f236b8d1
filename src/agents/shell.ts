import { spawnSync } from 'node:child_process';
import { parse, type ParseEntry } from 'shell-quote';
import type { Agent } from './agent.js';
import { bool, requiredStr } from './lib/args.js';
import { BadInputError, StepFailedError } from './lib/errors.js';

/** Why a parsed command line needs a real shell (operators such as |, ;, &&, > or globs), if it does. */
function needsShell(entry: ParseEntry): string | undefined {
  if (typeof entry === 'string' || 'comment' in entry) return undefined;
  if ('op' in entry && entry.op === 'glob') return `this uses a shell glob (${entry.pattern})`;
  return `this is a shell pipeline (${'op' in entry ? entry.op : 'shell syntax'})`;
}

/**
 * Runs a command line as an argv list, never through a shell unless `shell: true`: quoting is
 * parsed, $VARS come from the environment, and pipes, ;, && or redirections are refused.
 */
export const shell: Agent = {
  name: 'shell',
  summary: 'run a command line (argv, no shell unless shell: true)',
  run(args, ctx) {
    const command = requiredStr(args, 'command', 'the command line to run, such as python prep.py --rows 10');
    const useShell = bool(args, 'shell', false);
    let argv: string[];
    if (useShell) {
      argv = ['/bin/sh', '-c', command];
    } else {
      const entries = parse(command, (key) => process.env[key] ?? '');
      const reason = entries.map(needsShell).find((r) => r !== undefined);
      if (reason) throw new BadInputError(`${reason}; set shell: true to run it through /bin/sh`);
      argv = entries.filter((e): e is string => typeof e === 'string');
    }
    const [program, ...rest] = argv;
    if (!program) throw new BadInputError('command is empty; give the command line to run');
    const result = spawnSync(program, rest, { cwd: ctx.planDir, stdio: 'inherit', env: process.env });
    if (result.error) {
      const code = (result.error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new BadInputError(`command not found: ${program}; check the name or your PATH`);
      if (code === 'EACCES') throw new BadInputError(`${program} is not executable; check its permissions`);
      throw new StepFailedError(`could not start ${program}: ${result.error.message}`);
    }
    if (result.signal) throw new StepFailedError(`${program} was stopped by ${result.signal}`);
    const exitCode = result.status ?? 1;
    ctx.exitCode = exitCode;
    if (exitCode !== 0) console.error(`${program} exited with code ${exitCode}`);
    return { exit_code: exitCode };
  },
};
