import { describe, expect, it } from 'vitest';
import { SessionController } from '../../src/ui/controller.js';
import { findSlashCommand } from '../../src/ui/commands/index.js';
import { tempProject } from '../helpers/cli.js';

const quiet = { event: () => undefined, output: () => undefined };

/** The REPL's commands through the controller the UI talks to: what each prints. */
describe('REPL commands', () => {
  it('/set and /vars, /logs of a step, /agents, /config and /templates answer with text', async () => {
    const dir = tempProject({ 'p.yaml': 'steps:\n  - { id: hello, run: [sh, -c, "echo hello from the step"] }\n' });
    const c = await SessionController.open({ dir, json: false, yes: true, debug: false });
    try {
      const say = async (line: string) => {
        const [name = '', ...rest] = line.slice(1).split(' ');
        const found = findSlashCommand(name);
        if (!('command' in found)) throw new Error(found.error);
        const r = await found.command.action(rest.join(' '), c);
        return r.kind === 'message' ? r.text : r.kind;
      };
      expect(await say('/set prod_model 3')).toBe('prod_model = 3 (read it in plans as ${{ store.prod_model }})');
      expect(await say('/vars')).toMatch(/prod_model\s+3\s+by hand/);
      expect(await say('/set bad-name 1')).toContain('usage: /set NAME VALUE');

      const proposal = c.propose('p.yaml');
      expect(proposal.plan).toBeDefined();
      const { summary } = await c.run(proposal.plan as NonNullable<typeof proposal.plan>, quiet);
      expect(summary).toMatch(/run [0-9a-f]{8} succeeded/);
      expect(await say('/logs hello')).toMatch(/hello, attempt 1 of run [0-9a-f]{8}:\nhello from the step/);
      expect(await say('/logs helo')).toContain('has no step "helo" (did you mean "hello"?)');

      expect(await say('/agents')).toMatch(/trainer\s+training\s+2\s+closed/);
      expect(await say('/config')).toMatch(/parallel\s+3\s+default/);
      expect(await say('/templates')).toContain('train-and-evaluate');
    } finally {
      await c.close();
    }
  });
});
