import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import type { AgentDef, ArgSpec, CommandDef } from '../../src/core/command.js';
import type { PlanStep } from '../../src/core/plan.js';

/** A command definition with sensible defaults, as a command file would give after parsing. */
export function commandDef(overrides: Partial<CommandDef> & { name: string }): CommandDef {
  return {
    description: `${overrides.name} things`,
    capability: 'shell',
    aliases: [],
    args: {},
    outputs: [],
    run: { builtin: overrides.name },
    estimateMs: 1000,
    examples: [],
    errors: [],
    remedies: [],
    help: '',
    source: `${overrides.name}.md`,
    ...overrides,
  };
}

export function arg(type: ArgSpec['type'], extra: Partial<ArgSpec> = {}): ArgSpec {
  return { type, required: false, ...extra };
}

export function agent(name: string, capabilities: string[], concurrency = 1): AgentDef {
  return { name, capabilities, concurrency };
}

/** A plan step as parsePlan would produce it. */
export function step(id: string, extra: Partial<PlanStep> = {}): PlanStep {
  return { id, args: {}, needs: [], resources: [], env: {}, priority: 0, continueOnError: false, errors: [], else: [], maxIterations: 5, export: {}, with: {}, checkpoint: false, ...extra };
}

/** Runs `fn` and returns what it threw, failing the test if it did not throw. */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    return e as Error;
  }
  throw new Error('expected the call to throw, but it returned');
}

/** A fresh temporary folder with the given files (paths relative to it), removed by the returned cleanup. */
export function tempDir(files: Record<string, string> = {}): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'baton-unit-'));
  for (const [path, text] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
