import type { ErrorRule } from './failure.js';
import type { Remedy } from './remedy.js';
import type { RetryPolicy, Severity } from './plan.js';

/** What a command file's front matter declares, once validated (see registry/commandFile.ts). */
export type ArgType = 'string' | 'path' | 'integer' | 'number' | 'boolean' | 'list' | 'object' | 'any';

export interface ArgSpec {
  type: ArgType;
  description?: string;
  default?: unknown;
  required: boolean;
  min?: number;
  max?: number;
  enum?: string[];
}

export type CommandRun = { builtin: string } | { argv: string[] };

export interface CommandDef {
  name: string;
  description: string;
  capability: string;
  agent?: string;
  aliases: string[];
  args: Record<string, ArgSpec>;
  outputs: string[];
  run: CommandRun;
  retry?: RetryPolicy;
  timeoutMs?: number;
  estimateMs: number;
  examples: string[];
  /** How this command's failures are classified, before the config's and the built-in rules. */
  errors: ErrorRule[];
  /** Self-healing rules for this command, before the config's and the built-in ones. */
  remedies: Remedy[];
  /** How bad a failure of this command is, unless a step says otherwise. */
  severity?: Severity;
  help: string;
  /** The file it came from, for messages and `baton commands`. */
  source: string;
}

export interface AgentDef {
  name: string;
  capabilities: string[];
  concurrency: number;
}

export const CAPABILITIES = ['data', 'training', 'evaluation', 'deployment', 'monitoring', 'shell'] as const;

/**
 * Checks one argument value against its spec and returns it in its declared type ("5" becomes 5
 * for an integer). Returns a problem sentence instead when it does not fit.
 */
export function coerceArg(name: string, spec: ArgSpec, value: unknown): { value: unknown } | { problem: string } {
  const fail = (what: string) => ({ problem: `argument "${name}" ${what}` });
  switch (spec.type) {
    case 'integer':
    case 'number': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) return fail(`must be a ${spec.type}, got ${JSON.stringify(value)}`);
      if (spec.type === 'integer' && !Number.isInteger(n)) return fail(`must be a whole number, got ${n}`);
      if (spec.min !== undefined && n < spec.min) return fail(`must be at least ${spec.min}, got ${n}`);
      if (spec.max !== undefined && n > spec.max) return fail(`must be at most ${spec.max}, got ${n}`);
      return { value: n };
    }
    case 'boolean': {
      if (typeof value === 'boolean') return { value };
      if (value === 'true' || value === 'false') return { value: value === 'true' };
      return fail(`must be true or false, got ${JSON.stringify(value)}`);
    }
    case 'string':
    case 'path': {
      if (typeof value === 'object' && value !== null) return fail(`must be text, got ${JSON.stringify(value)}`);
      const text = String(value);
      if (spec.type === 'path' && text.trim() === '') return fail('must be a path, got an empty string');
      if (spec.enum && !spec.enum.includes(text)) return fail(`must be one of ${spec.enum.join(', ')}, got "${text}"`);
      return { value: text };
    }
    case 'list':
      if (Array.isArray(value)) return { value };
      if (typeof value === 'string') return { value: value.split(',').map((s) => s.trim()).filter(Boolean) };
      return fail(`must be a list, got ${JSON.stringify(value)}`);
    case 'object':
      if (value && typeof value === 'object' && !Array.isArray(value)) return { value };
      return fail(`must be a mapping, got ${JSON.stringify(value)}`);
    case 'any':
      return { value };
  }
}
