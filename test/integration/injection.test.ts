import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baton, json, tempProject } from '../helpers/cli.js';

interface RunOut {
  run: string;
  status: string;
  steps: { id: string; status: string; error?: string }[];
}

const run = (dir: string, what: string, env: Record<string, string> = {}) => json<RunOut>(baton(dir, ['run', what, '--yes', '--json'], env));
const logOf = (dir: string, r: RunOut, step: string) => baton(dir, ['logs', r.run, step]).stdout;

// Text from a request or a plan reaches a process only as argv elements: no shell parses it
// unless a plan says `shell: true`. Each attack tries to create a file; none may exist after.
describe('no shell injection', () => {
  it('a typed command with shell operators is refused, and the injected command never runs', () => {
    const dir = tempProject();
    for (const [i, attack] of ['echo hi; touch pwned0', 'echo hi && touch pwned1', 'echo $(touch pwned2)', 'echo hi | tee pwned3', 'echo hi > pwned4'].entries()) {
      const out = run(dir, `run \`${attack}\``);
      expect(out.status, attack).toBe('failed');
      expect(out.steps[0]?.error ?? '', attack).toMatch(/exit code 2/);
      expect(logOf(dir, out, 'shell'), attack).toMatch(/this is a shell pipeline .*set shell: true to run it through \/bin\/sh/);
      expect(existsSync(join(dir, `pwned${i}`)), attack).toBe(false);
    }
  });

  it('quotes, semicolons, pipes, backticks and newlines inside arguments stay one argv element each', () => {
    const dir = tempProject();
    // (A backtick ends a typed command, so backticks inside one are tested in a plan below.)
    const out = run(dir, "run `printf '[%s]\\n' 'a;b' \"c|d\" '$(touch pwned)' 'x > pwned'`");
    expect(out.status).toBe('succeeded');
    expect(logOf(dir, out, 'shell').trim().split('\n')).toEqual(['[a;b]', '[c|d]', '[$(touch pwned)]', '[x > pwned]']);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });

  it('values substituted into a plan\'s argv, even with newlines and quotes, are single arguments', () => {
    const dir = tempProject({
      'p.yaml': `name: p
vars:
  evil: "x'; touch pwned; echo '\\n$(touch pwned2) \`touch pwned3\`"
steps:
  - id: show
    run: [printf, '<%s>', "\${{ vars.evil }}"]
`,
    });
    const out = run(dir, 'p.yaml');
    expect(out.status).toBe('succeeded');
    expect(logOf(dir, out, 'show').trimEnd()).toBe("<x'; touch pwned; echo '\n$(touch pwned2) `touch pwned3`>");
    for (const f of ['pwned', 'pwned2', 'pwned3']) expect(existsSync(join(dir, f))).toBe(false);
  });
});

describe('the child environment is an allowlist', () => {
  it('a secret in baton\'s environment is not visible to steps unless configured', () => {
    const dir = tempProject({ 'p.yaml': `name: p\nsteps:\n  - id: peek\n    run: [sh, -c, 'echo "key=[$AWS_SECRET_ACCESS_KEY] path=[\${PATH:+set}]"']\n` });
    const hidden = run(dir, 'p.yaml', { AWS_SECRET_ACCESS_KEY: 'hunter2' });
    expect(logOf(dir, hidden, 'peek')).toContain('key=[] path=[set]');
    const allowed = run(dir, 'p.yaml', { AWS_SECRET_ACCESS_KEY: 'hunter2', BATON_ENV_ALLOW: 'PATH,AWS_SECRET_ACCESS_KEY' });
    expect(logOf(dir, allowed, 'peek')).toContain('key=[hunter2]');
  });
});
