import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { coerceArg, type CommandDef } from '../../core/command.js';
import { BatonError, NotFoundError, ValidationError, errorMessage } from '../../core/errors.js';
import { stringify, substitute } from '../../core/expressions.js';
import { findCommand } from '../../core/planCheck.js';
import { parseOutputs } from '../../core/stepProtocol.js';
import { NOT_EXPRESSIBLE } from '../../export/argoExpressions.js';
import { loadCommands } from '../../registry/commands.js';
import { packageRoot } from '../../registry/paths.js';
import type { Subcommand } from './types.js';

/**
 * The container side of `baton export --format argo`: runs one step as the engine would, with its
 * arguments from BATON_ARG_<name> variables (Argo fills them in), then writes each output to a
 * file of its own in BATON_OUTPUTS_DIR, which is where Argo reads output parameters from.
 */
const ARG_PREFIX = 'BATON_ARG_';
const DEFAULT_OUTPUTS_DIR = '/tmp/baton/outputs';
/** Output names that are safe as file names. */
const OUTPUT_NAME = /^[A-Za-z_][\w.-]*$/;

const HAND_EDIT = 'write the value, or an Argo {{...}} tag, into the task arguments of the manifest';

/** What `baton export` left where an expression would not translate (or the raw expression). */
function untranslated(text: string): boolean {
  return text.includes(NOT_EXPRESSIBLE) || text.includes('${{');
}

/** Argo passes text: lists and mappings arrive as JSON. */
function decode(text: string, type: string): unknown {
  if ((type === 'list' || type === 'object' || type === 'any') && /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function argsFromEnv(def: CommandDef, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(env)) {
    // Argo passes an empty value for an argument the step does not give.
    if (!key.startsWith(ARG_PREFIX) || text === undefined || text === '') continue;
    const name = key.slice(ARG_PREFIX.length);
    const spec = Object.hasOwn(def.args, name) ? def.args[name] : undefined;
    if (!spec) throw new ValidationError(`command "${def.name}" has no argument "${name}" (from ${key})`, [], `it takes: ${Object.keys(def.args).join(', ') || 'none'}`);
    if (untranslated(text)) throw new ValidationError(`argument "${name}" holds a Baton expression the export could not translate: ${text}`, [], HAND_EDIT);
    const checked = coerceArg(name, spec, decode(text, spec.type));
    if ('problem' in checked) throw new ValidationError(checked.problem);
    args[name] = checked.value;
  }
  for (const [name, spec] of Object.entries(def.args)) {
    if (Object.hasOwn(args, name)) continue;
    if (spec.default !== undefined) args[name] = spec.default;
    else if (spec.required) throw new ValidationError(`command "${def.name}" needs argument "${name}"`, [], `set ${ARG_PREFIX}${name}`);
  }
  return args;
}

function commandArgv(def: CommandDef, args: Record<string, unknown>): string[] {
  if ('builtin' in def.run) return [process.execPath, join(packageRoot(), 'dist', 'src', 'agents', 'main.js'), def.run.builtin];
  return def.run.argv.map((a) => stringify(substitute(a, { args })));
}

function runChild(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [program = '', ...rest] = argv;
  return new Promise((done) => {
    const child = spawn(program, rest, { stdio: 'inherit', env });
    child.on('error', (e) => {
      process.stderr.write(`baton: cannot run ${program}: ${errorMessage(e)}\n`);
      done(127);
    });
    child.on('exit', (code, signal) => done(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)));
  });
}

/** Each output as a file: text as it is, anything else as JSON (Argo hands lists on as JSON). */
function splitOutputs(file: string, dir: string): string | undefined {
  if (!existsSync(file)) return undefined;
  let outputs: Record<string, unknown>;
  try {
    outputs = parseOutputs(readFileSync(file, 'utf8'));
  } catch (e) {
    return `the step's outputs do not parse: ${errorMessage(e)}`;
  }
  for (const [name, value] of Object.entries(outputs)) {
    if (!OUTPUT_NAME.test(name)) {
      process.stderr.write(`baton: output "${name.slice(0, 60)}" is not a usable file name; left out\n`);
      continue;
    }
    writeFileSync(join(dir, name), typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));
  }
  return undefined;
}

export const stepCommand: Subcommand = {
  name: 'step',
  usage: 'baton step COMMAND | baton step exec -- PROGRAM [ARGS...]',
  summary: 'run one step in a container (what baton export writes): args from BATON_ARG_<name>, outputs to files',
  async run(words, opts) {
    const [first, ...rest] = words;
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [key, value] of Object.entries(env)) {
      if (!key.startsWith(ARG_PREFIX) && value?.includes(NOT_EXPRESSIBLE)) throw new ValidationError(`${key} holds a Baton expression the export could not translate: ${value}`, [], 'set the variable by hand in the container of the manifest');
    }
    let argv: string[];
    if (first === 'exec') {
      if (rest.length === 0) throw new ValidationError('baton step exec needs a program', [], 'e.g. baton step exec -- python train.py --epochs 3');
      const odd = rest.find(untranslated);
      if (odd !== undefined) throw new ValidationError(`the program's argument "${odd}" holds a Baton expression the export could not translate`, [], HAND_EDIT);
      argv = rest;
    } else {
      if (first === undefined) throw new ValidationError('baton step needs a command, or exec -- PROGRAM', [], '`baton commands` lists the commands');
      if (rest.length > 0) throw new ValidationError(`baton step ${first} takes its arguments from ${ARG_PREFIX}<name> variables, not the command line`, [], `e.g. ${ARG_PREFIX}dataset=iris baton step ${first}`);
      const def = findCommand(loadCommands(opts.dir).commands, first);
      if (!def) throw new NotFoundError(`unknown command "${first}"`, '`baton commands` lists them');
      const args = argsFromEnv(def, process.env);
      for (const key of Object.keys(env)) if (key.startsWith(ARG_PREFIX)) delete env[key];
      env.BATON_ARGS = JSON.stringify(args);
      argv = commandArgv(def, args);
    }
    const dir = process.env.BATON_OUTPUTS_DIR ?? DEFAULT_OUTPUTS_DIR;
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new BatonError(`cannot create the outputs folder ${dir}: ${errorMessage(e)}`, 'set BATON_OUTPUTS_DIR to a writable folder', 1);
    }
    // A name no output can have (outputs start with a letter or _), so it never clashes with one.
    const outputFile = join(dir, '.baton-outputs');
    rmSync(outputFile, { force: true });
    env.BATON_OUTPUT = outputFile;
    const code = await runChild(argv, env);
    const problem = splitOutputs(outputFile, dir);
    if (problem === undefined) return code;
    process.stderr.write(`baton: ${problem}\n`);
    return code === 0 ? 1 : code;
  },
};
