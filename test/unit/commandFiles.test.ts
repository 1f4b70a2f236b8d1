import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CommandDef } from '../../src/core/command.js';
import { parseCommandFile } from '../../src/registry/commandFile.js';

const DIR = fileURLToPath(new URL('../../commands/', import.meta.url));
const BUILTINS = ['ingest', 'analyze', 'validate', 'preprocess', 'features', 'split', 'train', 'tune', 'evaluate', 'compare', 'deploy', 'rollback', 'monitor', 'report', 'shell'];
const CAPABILITIES = ['data', 'training', 'evaluation', 'deployment', 'monitoring', 'shell'];

const files = readdirSync(DIR).filter((f) => f.endsWith('.md'));
const commands = new Map<string, CommandDef>(files.map((f) => [basename(f, '.md'), parseCommandFile(readFileSync(join(DIR, f), 'utf8'), f)]));

function command(name: string): CommandDef {
  const def = commands.get(name);
  if (!def) throw new Error(`commands/${name}.md is missing`);
  return def;
}

describe('built-in command files', () => {
  it('defines every built-in command', () => {
    expect([...commands.keys()].sort()).toEqual([...BUILTINS].sort());
  });

  it.each(files)('%s parses, is named after its file and runs its builtin', (file) => {
    const def = command(basename(file, '.md'));
    expect(def.name).toBe(basename(file, '.md'));
    expect(def.run).toEqual({ builtin: def.name });
    expect(CAPABILITIES).toContain(def.capability);
  });

  it.each(BUILTINS)('%s teaches the planner with aliases, 4-8 distinct examples and help', (name) => {
    const def = command(name);
    expect(def.aliases.length).toBeGreaterThan(0);
    expect(def.examples.length).toBeGreaterThanOrEqual(4);
    expect(def.examples.length).toBeLessThanOrEqual(8);
    expect(new Set(def.examples).size).toBe(def.examples.length);
    const helpLines = def.help.split('\n').length;
    expect(helpLines).toBeGreaterThanOrEqual(5);
    expect(helpLines).toBeLessThanOrEqual(15);
    expect(def.help).toContain(`command: ${name}`);
  });

  it('declares the arguments the step programs read', () => {
    expect(Object.keys(command('train').args).sort()).toEqual(['batch_size', 'dataset', 'epochs', 'folds', 'learning_rate', 'model', 'params', 'seed', 'target', 'task']);
    expect(command('train').args.folds).toMatchObject({ type: 'integer', default: 5, min: 2 });
    expect(command('train').agent).toBe('trainer');
    expect(command('split').args.test_size).toMatchObject({ type: 'number', default: 0.2, min: 0, max: 1 });
    expect(command('compare').args.test?.enum).toEqual(['t-test', 'paired-t-test', 'wilcoxon', 'mcnemar']);
    expect(command('deploy').args.strategy?.enum).toEqual(['rolling', 'canary', 'blue-green']);
    expect(command('shell').args.shell).toMatchObject({ type: 'boolean', default: false });
    expect(command('shell').args.command).toMatchObject({ type: 'string', required: true });
    for (const name of ['analyze', 'validate', 'preprocess', 'features', 'split', 'train', 'tune', 'evaluate']) {
      expect(command(name).args.dataset, name).toMatchObject({ type: 'path', required: true });
    }
  });

  it('has each capability the planner routes by', () => {
    const used = new Set([...commands.values()].map((c) => c.capability));
    expect([...used].sort()).toEqual([...CAPABILITIES].sort());
  });
});
