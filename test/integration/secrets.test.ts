import Database from 'better-sqlite3';
import { chmodSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baton, json, tempProject } from '../helpers/cli.js';

interface RunOut {
  run: string;
  status: string;
  steps: { id: string; status: string; error?: string; outputs?: Record<string, unknown> }[];
}

// Regex metacharacters, a quote and shell syntax: masking must be literal, and the value one argument.
const SECRET = "Tok3n.*+?[x]$(id)'q";

const PLAN = `name: secretive
steps:
  - id: use
    env:
      TOK: \${{ secrets.API_TOKEN }}
    run: [sh, -c, 'echo "token is $TOK"; echo "::warning leaked $TOK"; echo "tok=$TOK" > "$BATON_OUTPUT"; echo "len=\${#TOK}"']
  - id: other
    needs: [use]
    run: [sh, -c, 'echo "other sees [\${TOK:-}] [\${API_TOKEN:-}]"; echo "upstream said $0"', '\${{ steps.use.outputs.tok }}']
  - id: arg
    needs: [use]
    run: [printf, '<%s>\\n', '\${{ secrets.API_TOKEN }}']
`;

/** Every file under a folder, as raw bytes: the database, its WAL, logs, outputs. */
function allBytes(dir: string): { path: string; bytes: Buffer }[] {
  const out: { path: string; bytes: Buffer }[] = [];
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    if (statSync(path).isFile()) out.push({ path, bytes: readFileSync(path) });
  }
  return out;
}

const leaks = (dir: string) => allBytes(join(dir, '.baton')).filter((f) => f.bytes.includes(SECRET)).map((f) => f.path);

describe('secrets', () => {
  it('reach only the steps that name them, and are *** in logs, outputs, events and the summary', () => {
    const dir = tempProject({ 'p.yaml': PLAN });
    const r = baton(dir, ['run', 'p.yaml', '--yes', '--json'], { API_TOKEN: SECRET });
    const out = json<RunOut>(r);
    expect(out.status).toBe('succeeded');
    const log = (step: string) => baton(dir, ['logs', out.run, step]).stdout;
    // The step got the real value (its length shows it), but its log shows ***.
    expect(log('use')).toContain('token is ***');
    expect(log('use')).toContain(`len=${SECRET.length}`);
    expect(log('arg')).toContain('<***>');
    // Not named, not seen: neither through env nor through baton's own environment.
    expect(log('other')).toContain('other sees [] []');
    // An output holding the secret reaches downstream steps masked.
    expect(log('other')).toContain('upstream said ***');
    expect(out.steps.find((s) => s.id === 'use')?.outputs).toEqual({ tok: '***' });
    const status = baton(dir, ['status', out.run, '--json']).stdout;
    expect(r.stdout + r.stderr + status).not.toContain(SECRET);
    const db = new Database(join(dir, '.baton', 'baton.db'), { readonly: true });
    try {
      const messages = db.prepare("select data from events where run_id = ? and type = 'step.message'").pluck().all(out.run) as string[];
      expect(messages.map((m) => (JSON.parse(m) as { text: string }).text)).toEqual(['leaked ***']);
    } finally {
      db.close();
    }
    expect(leaks(dir)).toEqual([]);
  });

  it('a failing step\'s log tail in the summary is masked too', () => {
    const dir = tempProject({
      'p.yaml': `name: p\nsteps:\n  - id: bad\n    env: { TOK: '\${{ secrets.API_TOKEN }}' }\n    run: [sh, -c, 'echo "cannot log in with $TOK" >&2; exit 3']\n`,
    });
    const r = baton(dir, ['run', 'p.yaml', '--yes'], { API_TOKEN: SECRET });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('cannot log in with ***');
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(leaks(dir)).toEqual([]);
  });

  it('come from .baton/secrets.env only when it is readable by its owner alone; the environment wins', () => {
    const dir = tempProject({
      'p.yaml': `name: p\nsteps:\n  - id: s\n    run: [sh, -c, 'test "$1" = "from-file" && echo matched', x, '\${{ secrets.DB_PASSWORD }}']\n`,
      '.baton/secrets.env': '# the team database\nDB_PASSWORD=from-file\n',
    });
    const file = join(dir, '.baton', 'secrets.env');
    chmodSync(file, 0o644);
    const open = baton(dir, ['run', 'p.yaml', '--yes']);
    expect(open.code).toBe(2);
    expect(open.stderr.trim().split('\n')).toHaveLength(2);
    expect(open.stderr).toMatch(/secrets\.env can be read by others \(mode 644\).*\n.*chmod 600/);
    expect(existsDb(dir)).toBe(false);
    chmodSync(file, 0o600);
    const ok = json<RunOut>(baton(dir, ['run', 'p.yaml', '--yes', '--json']));
    expect(ok.status).toBe('succeeded');
    expect(baton(dir, ['logs', ok.run, 's']).stdout).toContain('matched');
    const env = json<RunOut>(baton(dir, ['run', 'p.yaml', '--yes', '--json'], { DB_PASSWORD: 'from-env' }));
    expect(env.status).toBe('failed');
  });

  it('a missing secret stops the run before anything is written, naming it and where to put it', () => {
    const dir = tempProject({ 'p.yaml': PLAN });
    const r = baton(dir, ['run', 'p.yaml', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the plan reads secret API_TOKEN, which is not set/);
    expect(r.stderr).toMatch(/export API_TOKEN=… before baton, or add API_TOKEN=… to \.baton\/secrets\.env \(chmod 600\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsDb(dir)).toBe(false);
  });

  it('cannot be read as a whole, or where their value would be recorded', () => {
    const dir = tempProject({
      'p.yaml': `name: p\nsteps:\n  - id: all\n    run: [echo, '\${{ secrets }}']\n  - id: loop\n    forEach: '\${{ [secrets.A] }}'\n    run: [echo, '\${{ item }}']\n`,
    });
    const r = baton(dir, ['plan', 'p.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('reads all secrets; name one, as secrets.NAME');
    expect(r.stderr).toContain('forEach cannot read secrets');
  });
});

function existsDb(dir: string): boolean {
  try {
    return statSync(join(dir, '.baton', 'baton.db')).isFile();
  } catch {
    return false;
  }
}
