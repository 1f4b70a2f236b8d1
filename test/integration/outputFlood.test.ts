import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baton, json, tempProject } from '../helpers/cli.js';

interface RunOut {
  run: string;
  status: string;
  steps: { id: string; status: string; attempts: number; outputs: Record<string, unknown> }[];
}

const MB = 1024 * 1024;
const MARKER = /\n\[baton: (\d+) bytes of output past the first 1 MB omitted; the last 1 MB follows\]\n/;
// Regex metacharacters, shell syntax and a quote: masking must be literal.
const SECRET = "a.b*c$(x)'q";
const LINE = 'fifty bytes of the same line, again and again......';

const FLOOD = `name: flood
steps:
  - id: flood
    run: [sh, -c, 'yes "${LINE}" | head -n 1000000; echo "rows=5" > "$BATON_OUTPUT"; echo "::warning flood over"']
  - id: failing
    run: [sh, -c, 'seq 1 400000; echo "the last words"; exit 3']
  - id: secretive
    env:
      TOK: \${{ secrets.API_TOKEN }}
    run: [sh, -c, 'echo "first $TOK"; yes "$TOK and more" | head -n 250000; echo "last $TOK"']
`;

// printf gets \\351 (YAML keeps both backslashes, sh's double quotes make them one).
const GARBAGE = String.raw`name: garbage
steps:
  - id: garbage
    run: [sh, -c, 'printf "caf\\351 \\377\\376\\n"; head -c 10000000 /dev/zero | tr "\\0" y; printf "\\n::warning after the long line\\n"; echo "ok=true" > "$BATON_OUTPUT"']
  - id: badbytes
    run: [sh, -c, 'printf "bad \\377 byte\\n"; exit 1']
`;

const logOf = (dir: string, run: string, step: string) => readFileSync(join(dir, '.baton/runs', run, 'attempts', `${step}.1.log`));

function query<T>(dir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(join(dir, '.baton/baton.db'), { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

describe('a step that floods its output, with logLimit: 1MB', () => {
  const dir = tempProject({ 'flood.yaml': FLOOD, '.baton/config.yaml': 'logLimit: 1MB\n' });
  let out: RunOut;

  it('runs to the end with its outputs and exit codes, and its log keeps the first and last 1 MB around an exact marker', () => {
    out = json<RunOut>(baton(dir, ['run', 'flood.yaml', '--yes', '--json'], { API_TOKEN: SECRET }));
    expect(out.status).toBe('failed');
    const step = (id: string) => out.steps.find((s) => s.id === id);
    expect(step('flood')).toMatchObject({ status: 'succeeded', outputs: { rows: 5 } });
    expect(step('secretive')?.status).toBe('succeeded');
    expect(step('failing')?.status).toBe('failed');

    const flood = logOf(dir, out.run, 'flood').toString('latin1');
    const marker = MARKER.exec(flood);
    expect(Number(marker?.[1])).toBe(1_000_000 * (LINE.length + 1) + '::warning flood over\n'.length - 2 * MB);
    expect(flood.length).toBe(2 * MB + (marker?.[0].length ?? NaN));
    expect(flood.startsWith(`${LINE}\n${LINE}\n`)).toBe(true);
    expect(flood.endsWith(`${LINE}\n::warning flood over\n`)).toBe(true);

    const failing = logOf(dir, out.run, 'failing').toString();
    expect(failing).toMatch(MARKER);
    expect(failing.endsWith('399999\n400000\nthe last words\n')).toBe(true);

    query(dir, (db) => {
      const attempt = db.prepare('select status, exit_code from attempts where run_id = ? and step_id = ?');
      expect(attempt.get(out.run, 'failing')).toEqual({ status: 'failed', exit_code: 3 });
      expect(attempt.get(out.run, 'flood')).toEqual({ status: 'succeeded', exit_code: 0 });
      // The protocol line printed after the flood still reached baton.
      const warnings = db.prepare("select count(*) from events where run_id = ? and type = 'step.message' and data like '%flood over%'").pluck().get(out.run);
      expect(warnings).toBe(1);
    });
  });

  it('masks a secret with regex and shell characters in the capped log, before and after the marker', () => {
    const log = logOf(dir, out.run, 'secretive').toString();
    expect(log.startsWith('first ***\n*** and more\n')).toBe(true);
    expect(log).toMatch(MARKER);
    expect(log.endsWith('*** and more\nlast ***\n')).toBe(true);
    expect(log).not.toContain('a.b*c');
    expect(log.length).toBeLessThan(2 * MB);
  });
});

describe('output that is not text', () => {
  it('keeps bytes that are not UTF-8 and a 10 MB line in the log as written, and still hears the lines after them', () => {
    const dir = tempProject({ 'garbage.yaml': GARBAGE });
    const r = baton(dir, ['run', 'garbage.yaml', '--yes']);
    expect(r.code).toBe(1);
    // A failed step's log in the summary: what baton cannot read as UTF-8 shows as U+FFFD.
    expect(r.stdout).toContain('bad \uFFFD byte');
    const run = /run ([0-9a-f]{8}) failed/.exec(r.stdout)?.[1] ?? '';
    const status = json<RunOut>(baton(dir, ['status', run, '--json']));
    expect(status.steps.find((s) => s.id === 'garbage')).toMatchObject({ status: 'succeeded', outputs: { ok: true } });
    const log = logOf(dir, run, 'garbage');
    expect(log.subarray(0, 8).equals(Buffer.from('caf\xe9 \xff\xfe\n', 'latin1'))).toBe(true);
    expect(log.length).toBe(8 + 10_000_000 + '\n::warning after the long line\n'.length);
    const heard = query(dir, (db) => db.prepare("select count(*) from events where run_id = ? and type = 'step.message' and data like '%after the long line%'").pluck().get(run));
    expect(heard).toBe(1);
  });
});

describe('logLimit', () => {
  it('shows in baton config with where it came from', () => {
    const dir = tempProject({ '.baton/config.yaml': 'logLimit: 512KB\n' });
    const r = baton(dir, ['config']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^logLimit\s+512 KB\s+.*config\.yaml$/m);
    expect(baton(dir, ['config'], { BATON_LOG_LIMIT: '2GB' }).stdout).toMatch(/^logLimit\s+2 GB\s+env BATON_LOG_LIMIT$/m);
  });

  it('a bad value stops baton with one line that says how to write it, and exit code 2', () => {
    for (const [value, says] of [
      ['lots', 'logLimit: "lots" is not a size (write it like 512KB, 100MB or 1GB)'],
      ['10', 'logLimit: 10 is outside 1 KB to 1 TB'],
    ] as const) {
      const dir = tempProject({ 'flood.yaml': FLOOD, '.baton/config.yaml': `logLimit: ${value}\n` });
      const r = baton(dir, ['run', 'flood.yaml', '--yes']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(says);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const env = baton(tempProject({ 'flood.yaml': FLOOD }), ['run', 'flood.yaml', '--yes'], { BATON_LOG_LIMIT: '-3' });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('BATON_LOG_LIMIT=-3 is not a size from 1 KB to 1 TB, such as 100MB');
  });
});
