import Database from 'better-sqlite3';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baton, tempProject, type CliResult } from '../helpers/cli.js';

/** Bad input: exit 2, one `baton:` line first, a hint, and never a stack trace. */
function expectBadInput(r: CliResult, pattern: RegExp): void {
  expect(r.code).toBe(2);
  const first = r.stderr.split('\n')[0] ?? '';
  expect(first).toMatch(/^baton: /);
  expect(first).toMatch(pattern);
  expect(r.stderr).not.toMatch(/^\s+at .+\(.*:\d+:\d+\)$/m);
  expect(r.stdout).toBe('');
}

describe('bad plans are refused before anything runs', () => {
  const cases: [string, string, RegExp][] = [
    ['a cycle', 'steps:\n  - { id: a, run: ["true"], needs: [c] }\n  - { id: b, run: ["true"], needs: [a] }\n  - { id: c, run: ["true"], needs: [b] }\n', /the steps form a cycle: a → b → c → a/],
    ['an unknown command', 'steps:\n  - { id: t, command: trian, args: { dataset: iris } }\n', /step "t": unknown command "trian" \(did you mean "train"\?\)/],
    ['a bad expression', 'steps:\n  - { id: a, run: ["true"] }\n  - { id: b, run: ["true"], needs: [a], if: "steps.a.outputs.x >" }\n', /step "b": bad expression "steps.a.outputs.x >"/],
    ['malformed YAML', 'steps:\n  - id: a\n    run: [true\n  - oops: {\n', /plan.yaml: not valid YAML at line \d+/],
    ['an unknown field', 'steps:\n  - { id: a, run: ["true"], nedds: [b] }\n', /step "a": unknown field "nedds" \(did you mean "needs"\?\)/],
    ['a read of a step it does not depend on', 'steps:\n  - { id: a, run: ["true"] }\n  - { id: b, run: [echo, "${{ steps.a.outputs.x }}"] }\n', /reads step "a" but does not depend on it; add a to needs/],
    ['a shell string instead of argv', 'steps:\n  - { id: a, run: "rm -rf /tmp/x; echo hi" }\n', /run takes an argv list/],
  ];
  for (const [what, yaml, message] of cases) {
    it(`${what}: exit 2 with a clear message, nothing written`, () => {
      const dir = tempProject({ 'plan.yaml': yaml });
      expectBadInput(baton(dir, ['run', 'plan.yaml', '--yes']), message);
      expect(existsSync(join(dir, '.baton'))).toBe(false);
    });
  }

  it('a missing plan file, an unknown subcommand and a bad flag', () => {
    const dir = tempProject();
    expectBadInput(baton(dir, ['run', 'nope.yaml', '--yes']), /no plan file nope.yaml/);
    expectBadInput(baton(dir, ['rnu', 'x.yaml']), /unknown command "rnu" \(did you mean "run"\?\)/);
    expectBadInput(baton(dir, ['run', 'x.yaml', '--parallel', 'lots']), /--parallel takes a whole number/);
  });

  it('a malformed command file is named, and the other commands still load', () => {
    const dir = tempProject({
      '.baton/commands/broken.md': '---\nname: broken\ncapability: data\nrun: builtin:ingest\n---\n',
      'plan.yaml': 'steps:\n  - { id: a, command: validate, args: { dataset: data.csv } }\n',
      'data.csv': 'x,y\n1,2\n',
    });
    const r = baton(dir, ['run', 'plan.yaml', '--yes', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^baton: warning: \.baton\/commands\/broken\.md: description: /m);
  });
});

describe('a store that cannot be used is never overwritten', () => {
  const plan = 'steps:\n  - { id: a, run: ["true"] }\n';

  it('a corrupt database', () => {
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251));
    const dir = tempProject({ 'plan.yaml': plan });
    mkdirSync(join(dir, '.baton'));
    writeFileSync(join(dir, '.baton/baton.db'), garbage);
    expectBadInput(baton(dir, ['run', 'plan.yaml', '--yes']), /baton\.db is not a readable Baton database/);
    expect(readFileSync(join(dir, '.baton/baton.db')).equals(garbage)).toBe(true);
    expectBadInput(baton(dir, ['runs']), /not a readable Baton database/);
  });

  it('a database from a newer Baton', () => {
    const dir = tempProject({ 'plan.yaml': plan });
    expect(baton(dir, ['run', 'plan.yaml', '--yes']).code).toBe(0);
    const db = new Database(join(dir, '.baton/baton.db'));
    db.prepare("insert into kysely_migration (name, timestamp) values ('9999_future', '2030-01-01')").run();
    db.close();
    expectBadInput(baton(dir, ['runs']), /written by a newer Baton \(schema 9999_future\)/);
  });

  it('a database locked by another process', () => {
    const dir = tempProject({ 'plan.yaml': plan });
    expect(baton(dir, ['run', 'plan.yaml', '--yes']).code).toBe(0);
    const db = new Database(join(dir, '.baton/baton.db'));
    db.exec('begin exclusive');
    try {
      expectBadInput(baton(dir, ['run', 'plan.yaml', '--yes']), /is locked by another process/);
    } finally {
      db.exec('rollback');
      db.close();
    }
  });

  it('reading commands in a folder with no project says what to do', () => {
    const dir = tempProject();
    expectBadInput(baton(dir, ['runs']), /no Baton project in .* \(no \.baton\/baton\.db\)/);
    expect(existsSync(join(dir, '.baton'))).toBe(false);
  });
});
