import { z } from 'zod';
import type { CommandDef } from '../core/command.js';
import { SEVERITIES } from '../core/plan.js';
import { parseDuration } from '../core/duration.js';
import { ValidationError, errorMessage } from '../core/errors.js';
import { plainDataProblem } from '../core/plainData.js';
import { argSpecInput, durationInput, errorRuleInput, remedyInput, retryInput, toRetry } from '../core/planSchema.js';
import { readYaml } from './yamlText.js';

const frontMatter = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits and -'),
  description: z.string().min(1),
  capability: z.string().min(1),
  agent: z.string().optional(),
  aliases: z.array(z.string()).default([]),
  args: z.record(z.string(), argSpecInput).default({}),
  outputs: z.array(z.string()).default([]),
  run: z.union([z.string().regex(/^builtin:[a-z][a-z0-9-]*$/, 'a string must be builtin:NAME; give any other program as an argv list'), z.array(z.union([z.string(), z.number()]).transform(String)).min(1)]),
  retry: retryInput.optional(),
  errors: z.array(errorRuleInput).default([]),
  remedies: z.array(remedyInput).default([]),
  severity: z.enum(SEVERITIES).optional(),
  timeout: durationInput.optional(),
  estimate: durationInput.default('1s'),
  examples: z.array(z.string()).default([]),
});

/** Splits `---\nYAML\n---\nbody` into its two parts. */
export function splitFrontMatter(text: string): { yaml: string; body: string } | undefined {
  const m = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)([\s\S]*)$/.exec(text);
  return m ? { yaml: m[1] ?? '', body: (m[2] ?? '').trim() } : undefined;
}

/** Parses one command file; errors name the file and the field. */
export function parseCommandFile(text: string, source: string): CommandDef {
  const parts = splitFrontMatter(text);
  if (!parts) throw new ValidationError(`${source}: no YAML front matter (the file must start with a --- block)`);
  const data = readYaml(parts.yaml);
  // Lines are counted from the file's first: the front matter starts on its second.
  if ('problem' in data) throw new ValidationError(`${source}: the front matter is ${data.problem.replace(/ at line (\d+)/, (_m, n: string) => ` at line ${Number(n) + 1}`)}`);
  const odd = plainDataProblem(data.value, 'front matter');
  if (odd) throw new ValidationError(`${source}: ${odd}`);
  const parsed = frontMatter.safeParse(data.value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => {
      const field = i.path.map(String).join('.') || 'front matter';
      return i.code === 'unrecognized_keys' ? `${field}: unknown field(s) ${i.keys.join(', ')}` : `${field}: ${i.message}`;
    });
    throw new ValidationError(`${source}: ${issues[0] ?? 'invalid'}`, issues);
  }
  const f = parsed.data;
  try {
    const def: CommandDef = {
      name: f.name,
      description: f.description,
      capability: f.capability,
      aliases: f.aliases,
      args: f.args,
      outputs: f.outputs,
      run: typeof f.run === 'string' ? { builtin: f.run.slice('builtin:'.length) } : { argv: f.run },
      estimateMs: parseDuration(f.estimate, 'estimate'),
      examples: f.examples,
      errors: f.errors,
      remedies: f.remedies,
      help: parts.body,
      source,
    };
    if (f.agent !== undefined) def.agent = f.agent;
    if (f.retry !== undefined) def.retry = toRetry(f.retry, 'command');
    if (f.severity !== undefined) def.severity = f.severity;
    if (f.timeout !== undefined) def.timeoutMs = parseDuration(f.timeout, 'timeout');
    return def;
  } catch (e) {
    throw new ValidationError(`${source}: ${errorMessage(e)}`);
  }
}
