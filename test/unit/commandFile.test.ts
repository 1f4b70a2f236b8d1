import { afterEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { parseCommandFile, splitFrontMatter } from '../../src/registry/commandFile.js';
import { loadCommands } from '../../src/registry/commands.js';
import { tempDir, thrown } from './helpers.js';

const SOURCE = '.baton/commands/score.md';

const VALID = `---
name: score
description: Score a model on a held-out set
capability: evaluation
agent: evaluator
aliases: [grade, rate]
args:
  model: { type: path, required: true, description: "the model file" }
  threshold: { type: number, default: 0.5, min: 0, max: 1 }
  metric: { enum: [accuracy, f1] }
outputs: [score]
run: [python, scripts/score.py, 3]
retry: 3
timeout: 5m
estimate: 2s
examples:
  - score the model
---
Scores a model.

More help.
`;

function refusal(text: string): ValidationError {
  const e = thrown(() => parseCommandFile(text, SOURCE));
  expect(e).toBeInstanceOf(ValidationError);
  expect(e.message.startsWith(`${SOURCE}: `)).toBe(true);
  return e as ValidationError;
}

/** The valid file with one front matter line replaced or added. */
function variant(from: RegExp, to: string): string {
  const text = VALID.replace(from, to);
  expect(text).not.toBe(VALID);
  return text;
}

describe('parseCommandFile', () => {
  it('parses a valid file into a command definition', () => {
    const def = parseCommandFile(VALID, SOURCE);
    expect(def).toEqual({
      name: 'score',
      description: 'Score a model on a held-out set',
      capability: 'evaluation',
      agent: 'evaluator',
      aliases: ['grade', 'rate'],
      args: {
        model: { type: 'path', required: true, description: 'the model file' },
        threshold: { type: 'number', required: false, default: 0.5, min: 0, max: 1 },
        metric: { type: 'string', required: false, enum: ['accuracy', 'f1'] },
      },
      outputs: ['score'],
      run: { argv: ['python', 'scripts/score.py', '3'] },
      retry: { attempts: 3, backoff: 'exponential', initialMs: 1000, maxMs: 60_000, jitter: false, on: ['transient', 'resource'] },
      timeoutMs: 300_000,
      estimateMs: 2000,
      errors: [],
      remedies: [],
      examples: ['score the model'],
      help: 'Scores a model.\n\nMore help.',
      source: SOURCE,
    });
  });

  it('reads builtin:NAME as a built-in program', () => {
    expect(parseCommandFile(variant(/^run: .*$/m, 'run: builtin:score'), SOURCE).run).toEqual({ builtin: 'score' });
  });

  it('fills in defaults for optional fields', () => {
    const def = parseCommandFile('---\nname: x\ndescription: d\ncapability: shell\nrun: builtin:x\n---\n', 'x.md');
    expect(def).toMatchObject({ aliases: [], args: {}, outputs: [], examples: [], estimateMs: 1000, help: '' });
    expect(def.retry).toBeUndefined();
    expect(def.timeoutMs).toBeUndefined();
    expect(def.agent).toBeUndefined();
  });

  it('accepts Windows line endings', () => {
    expect(parseCommandFile(VALID.replace(/\n/g, '\r\n'), SOURCE).name).toBe('score');
  });

  it('refuses a file without front matter', () => {
    expect(refusal('# score\nJust markdown.\n').message).toContain('no YAML front matter');
  });

  it('refuses front matter that is not valid YAML', () => {
    expect(refusal(variant(/^aliases: .*$/m, 'aliases: [grade, rate')).message).toContain('the front matter is not valid YAML');
  });

  it('refuses an unknown field, naming it', () => {
    expect(refusal(variant(/^outputs:/m, 'ouputs:')).message).toContain('unknown field(s) ouputs');
  });

  it('refuses an unknown field inside an argument spec, naming the argument', () => {
    expect(refusal(variant(/required: true/, 'requird: true')).message).toBe(`${SOURCE}: args.model: unknown field(s) requird`);
  });

  it('refuses run given as a shell string', () => {
    const e = refusal(variant(/^run: .*$/m, 'run: python train.py'));
    expect(e.message).toBe(`${SOURCE}: run: a string must be builtin:NAME; give any other program as an argv list`);
  });

  it('refuses a name that is not lower-case', () => {
    expect(refusal(variant(/^name: score$/m, 'name: Score_It')).message).toContain('name: must be lower-case letters, digits and -');
  });

  it('refuses a missing required field', () => {
    expect(refusal(variant(/^capability: .*\n/m, '')).message).toContain('capability');
  });

  it('refuses a bad timeout, naming the file', () => {
    expect(refusal(variant(/^timeout: .*$/m, 'timeout: later')).message).toContain('"later" is not a duration');
  });
});

describe('splitFrontMatter', () => {
  it('splits the YAML from the trimmed body', () => {
    expect(splitFrontMatter('---\na: 1\n---\n\nbody\n')).toEqual({ yaml: 'a: 1', body: 'body' });
    expect(splitFrontMatter('a: 1\n')).toBeUndefined();
  });
});

describe('loadCommands', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  function project(files: Record<string, string>): string {
    const t = tempDir(files);
    cleanups.push(t.cleanup);
    return t.dir;
  }

  it('loads the built-in commands for a project without its own', () => {
    const { commands, warnings } = loadCommands(project({}));
    expect(warnings).toEqual([]);
    expect(commands.get('train')?.run).toEqual({ builtin: 'train' });
    expect(commands.has('shell')).toBe(true);
  });

  it('adds a project command, lets one replace a built-in, and reports a broken one by path', () => {
    const dir = project({
      '.baton/commands/extra.md': VALID,
      '.baton/commands/train.md': '---\nname: train\ndescription: Our own trainer\ncapability: training\nrun: [python, train.py]\n---\n',
      '.baton/commands/broken.md': '---\nname: broken\n---\n',
      '.baton/commands/notes.txt': 'ignored',
    });
    const { commands, warnings } = loadCommands(dir);
    expect(commands.get('score')?.source).toBe('.baton/commands/extra.md');
    expect(commands.get('train')).toMatchObject({ description: 'Our own trainer', run: { argv: ['python', 'train.py'] }, source: '.baton/commands/train.md' });
    expect(commands.has('broken')).toBe(false);
    expect(commands.has('deploy')).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^\.baton\/commands\/broken\.md: /);
  });
});
