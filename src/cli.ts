#!/usr/bin/env node
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ValidationError, errorMessage, isBatonError } from './core/errors.js';
import { didYouMean } from './core/similar.js';
import type { CliOptions } from './cli/context.js';
import { agentsCommand } from './cli/commands/agents.js';
import { commandsCommand } from './cli/commands/commands.js';
import { configCommand } from './cli/commands/config.js';
import { logsCommand } from './cli/commands/logs.js';
import { planCommand } from './cli/commands/plan.js';
import { resumeCommand } from './cli/commands/resume.js';
import { rollbackCommand } from './cli/commands/rollback.js';
import { runCommand } from './cli/commands/run.js';
import { runsCommand } from './cli/commands/runs.js';
import { statusCommand } from './cli/commands/status.js';
import { templatesCommand } from './cli/commands/templates.js';
import { contextCommand } from './cli/commands/context.js';
import { varsCommand } from './cli/commands/vars.js';
import { workerCommand } from './cli/commands/worker.js';
import { workersCommand } from './cli/commands/workers.js';
import { exportCommand } from './cli/commands/export.js';
import { stepCommand } from './cli/commands/step.js';
import { loadTerminalUi } from './cli/terminalUi.js';
import type { Subcommand } from './cli/commands/types.js';

const SUBCOMMANDS: Subcommand[] = [runCommand, planCommand, runsCommand, statusCommand, logsCommand, resumeCommand, rollbackCommand, varsCommand, agentsCommand, configCommand, commandsCommand, templatesCommand, contextCommand, workerCommand, workersCommand, exportCommand, stepCommand];

const OPTIONS = {
  dir: { type: 'string' },
  json: { type: 'boolean', default: false },
  yes: { type: 'boolean', short: 'y', default: false },
  parallel: { type: 'string', short: 'p' },
  attempt: { type: 'string' },
  limit: { type: 'string' },
  to: { type: 'string' },
  continue: { type: 'boolean', short: 'c', default: false },
  resume: { type: 'string' },
  debug: { type: 'boolean', default: false },
  executor: { type: 'string' },
  redis: { type: 'string' },
  capabilities: { type: 'string' },
  resources: { type: 'string' },
  concurrency: { type: 'string' },
  name: { type: 'string' },
  format: { type: 'string' },
  output: { type: 'string', short: 'o' },
  image: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function usage(): string {
  const width = Math.max(...SUBCOMMANDS.map((c) => c.usage.length));
  return [
    'baton: a conversational ML workflow orchestrator',
    '',
    ...SUBCOMMANDS.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    '',
    '  baton [--continue | --resume SESSION]  the interactive REPL (on a terminal); pick up the last or a chosen session',
    '  baton "REQUEST" [--yes]                plan a request in plain English; run it with --yes',
    '',
    'Options: --dir DIR (the project holding .baton/, default .)  --json  --yes  --parallel N  --executor local|queue  --redis URL  --debug',
  ].join('\n');
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ValidationError(`--${name} takes a whole number of at least 1, got "${value}"`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new ValidationError(errorMessage(e).split('\n')[0] ?? 'bad arguments', [], '`baton --help` lists the options');
  }
  const { values, positionals } = parsed;
  const [name, ...rest] = positionals;
  const opts: CliOptions = { dir: resolve(values.dir ?? '.'), json: values.json, yes: values.yes, debug: values.debug };
  if (name === undefined && !values.help && process.stdin.isTTY && process.stdout.isTTY) {
    // The REPL loads Ink and React only when it is wanted.
    const { startRepl } = await loadTerminalUi(() => import('./ui/repl.js'));
    return startRepl(opts, values.resume !== undefined ? { id: values.resume } : values.continue ? { continue: true } : undefined);
  }
  if (values.help || name === undefined || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const command = SUBCOMMANDS.find((c) => c.name === name) ?? (name.includes(' ') ? runCommand : undefined);
  if (command === runCommand && name !== 'run') rest.unshift(name);
  if (!command) {
    const hint = didYouMean(name, SUBCOMMANDS.map((c) => c.name));
    throw new ValidationError(`unknown command "${name}"${hint ? ` (${hint})` : ''}`, [], '`baton --help` lists the commands');
  }
  const parallel = positiveInt('parallel', values.parallel);
  const attempt = positiveInt('attempt', values.attempt);
  const limit = positiveInt('limit', values.limit);
  if (parallel !== undefined) opts.parallel = parallel;
  if (attempt !== undefined) opts.attempt = attempt;
  if (limit !== undefined) opts.limit = limit;
  if (values.to !== undefined) opts.to = values.to;
  if (values.executor !== undefined) {
    if (values.executor !== 'local' && values.executor !== 'queue') throw new ValidationError(`--executor takes local or queue, got "${values.executor}"`);
    opts.executor = values.executor;
  }
  if (values.redis !== undefined) opts.redis = values.redis;
  const names = (v: string | undefined) => v?.split(',').map((s) => s.trim()).filter(Boolean);
  const concurrency = positiveInt('concurrency', values.concurrency);
  opts.worker = {
    ...(values.capabilities !== undefined ? { capabilities: names(values.capabilities) } : {}),
    ...(values.resources !== undefined ? { resources: names(values.resources) } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(values.name !== undefined ? { name: values.name } : {}),
  };
  opts.export = {
    ...(values.format !== undefined ? { format: values.format } : {}),
    ...(values.output !== undefined ? { output: values.output } : {}),
    ...(values.image !== undefined ? { image: values.image } : {}),
  };
  return command.run(rest, opts);
}

function report(e: unknown, debug: boolean): number {
  if (isBatonError(e)) {
    process.stderr.write(`baton: ${e.message}\n`);
    if (e instanceof ValidationError) for (const issue of e.issues.slice(1, 20)) process.stderr.write(`  - ${issue}\n`);
    if (e.hint) process.stderr.write(`  hint: ${e.hint}\n`);
    if (debug && e.stack) process.stderr.write(`${e.stack}\n`);
    return e.exitCode;
  }
  process.stderr.write(`baton: internal error: ${errorMessage(e)}\n  hint: run again with --debug for details and report it\n`);
  if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  return 1;
}

const argv = process.argv.slice(2);
main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.exitCode = report(e, argv.includes('--debug'));
  },
);

