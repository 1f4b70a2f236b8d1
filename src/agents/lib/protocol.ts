import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { insideOrRefuse } from './artifacts.js';

export type Args = Record<string, unknown>;
export type Outputs = Record<string, unknown>;

/** What a step program knows about where it runs; standalone runs use the current folder. */
export interface StepContext {
  readonly builtin: string;
  readonly runId: string;
  readonly stepId: string;
  readonly attempt: number;
  /** The run's shared folder; steps hand files to each other through it. */
  readonly workspace: string;
  readonly projectDir: string;
  readonly planDir: string;
  /** Set by a program (shell) whose exit code is not simply success. */
  exitCode: number;
  /** `$BATON_WORKSPACE/artifacts/<step-id>/`, created on first use. */
  artifactsDir(): string;
  progress(current: number, total: number, message?: string): void;
  warn(text: string): void;
}

export function createContext(builtin: string, env: NodeJS.ProcessEnv = process.env): StepContext {
  const cwd = process.cwd();
  const workspace = resolve(env.BATON_WORKSPACE ?? cwd);
  const stepId = env.BATON_STEP_ID ?? builtin;
  return {
    builtin,
    runId: env.BATON_RUN_ID ?? 'standalone',
    stepId,
    attempt: Number(env.BATON_ATTEMPT ?? '1') || 1,
    workspace,
    projectDir: resolve(env.BATON_PROJECT_DIR ?? cwd),
    planDir: resolve(env.BATON_PLAN_DIR ?? cwd),
    exitCode: 0,
    artifactsDir() {
      // Checked before mkdir, which would create folders wherever a linked artifacts folder leads.
      const dir = insideOrRefuse(workspace, join(workspace, 'artifacts', stepId), `the artifacts folder of step ${stepId}`);
      mkdirSync(dir, { recursive: true });
      return dir;
    },
    progress(current, total, message) {
      console.log(`::progress ${current}/${total}${message ? ` ${message}` : ''}`);
    },
    warn(text) {
      console.log(`::warning ${text}`);
    },
  };
}

/** `--key value`, `--key=value`, `--flag`, `--no-flag`; dashes in keys become underscores. */
export function parseFlags(argv: readonly string[]): Args {
  const args: Args = {};
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    if (!token.startsWith('--') || token === '--') {
      throw new FlagError(`unexpected "${token}": give arguments as --name value`);
    }
    const eq = token.indexOf('=');
    const rawKey = eq > 0 ? token.slice(2, eq) : token.slice(2);
    const key = rawKey.replace(/-/g, '_');
    if (eq > 0) {
      args[key] = flagValue(token.slice(eq + 1));
    } else if (key.startsWith('no_') && (i + 1 >= argv.length || (argv[i + 1] ?? '').startsWith('--'))) {
      args[key.slice(3)] = false;
    } else if (i + 1 >= argv.length || (argv[i + 1] ?? '').startsWith('--')) {
      args[key] = true;
    } else {
      args[key] = flagValue(argv[++i] ?? '');
    }
  }
  return args;
}

export class FlagError extends Error {}

function flagValue(text: string): unknown {
  const t = text.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return Number(t);
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return JSON.parse(t) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** BATON_ARGS when the engine runs us, flags when a person does. */
export function readArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Args {
  if (env.BATON_ARGS !== undefined && env.BATON_ARGS.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(env.BATON_ARGS);
    } catch {
      throw new FlagError('BATON_ARGS is not valid JSON');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new FlagError('BATON_ARGS must be a JSON object');
    return { ...(parsed as Args), ...parseFlags(argv) };
  }
  return parseFlags(argv);
}

/** One JSON object to BATON_OUTPUT, or to stdout when run by hand. */
export function writeOutputs(outputs: Outputs, env: NodeJS.ProcessEnv = process.env): void {
  const text = JSON.stringify(outputs);
  if (env.BATON_OUTPUT) writeFileSync(env.BATON_OUTPUT, `${text}\n`);
  else console.log(text);
}
