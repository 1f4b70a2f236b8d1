import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { linesOf, tempProject } from '../helpers/cli.js';
import { KEY, renderRepl } from '../helpers/ink.js';

type Repl = Awaited<ReturnType<typeof renderRepl>>;
let open: Repl | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});
const repl = async (files: Record<string, string> = {}) => (open = await renderRepl(tempProject(files)));

/** The REPL's frames, as a user sees them, from a real controller on a temporary project. */
describe('the REPL', () => {
  it('shows the plan for a request as a tree with the approval question; (e)dit puts the request back', async () => {
    const r = await repl();
    await r.waitFor('Type a request in plain English');
    await r.type('train a decision tree on iris then evaluate it');
    const frame = await r.waitFor('Run it? (y)es / (n)o / (e)dit');
    expect(frame).toMatch(/request: 2 steps in 2 levels/);
    expect(frame).toMatch(/★ train\s+train dataset=iris model=decision-tree/);
    expect(frame).toMatch(/needs train/);
    expect(frame).toMatch(/★ critical path: train → evaluate/);
    await r.press('e');
    const edited = await r.waitFor(/› train a decision tree on iris then evaluate it\s*$/);
    expect(edited).not.toContain('Run it?');
  });

  it('asks which dataset with numbered suggestions, and a number picks one', async () => {
    const r = await repl({ 'data/churn.csv': 'a,b,label\n1,2,0\n' });
    await r.type('train a random forest');
    const asked = await r.waitFor('? Which dataset should train use?');
    expect(asked).toMatch(/1 data\/churn\.csv/);
    expect(asked).toMatch(/type 1-\d+ or the dataset, then Enter/);
    expect(asked).not.toContain('Run it?');
    await r.type('99');
    await r.waitFor(/pick 1 to \d+, or type the dataset/);
    await r.type('1');
    const planned = await r.waitFor('Run it? (y)es');
    expect(planned).toMatch(/train model=random-forest dataset=data\/churn\.csv/);
  });

  it('offers example requests when it finds nothing to do; a pick plans that request', async () => {
    const r = await repl();
    await r.type('make me a sandwich');
    const asked = await r.waitFor(/I could not find anything Baton can do in "make me a sandwich"/);
    expect(asked).toMatch(/1 train/);
    await r.type('1');
    await r.waitFor('Run it? (y)es');
  });

  it('? on an empty line lists the keys from the key table; any key closes it', async () => {
    const r = await repl();
    await r.waitFor('Type a request');
    await r.press('?');
    const overlay = await r.waitFor('At the input line');
    expect(overlay).toMatch(/In the panes of a run/);
    expect(overlay).toMatch(/z\s+zoom the focused pane/);
    expect(overlay).toMatch(/c\s+cancel the focused step/);
    expect(overlay).toMatch(/r\s+retry the focused failed step/);
    await r.press('x');
    await r.waitFor(/›/);
    expect(r.frame()).not.toContain('At the input line');
    // `?` inside a request is just a character.
    await r.type('what is this?');
    await r.waitFor('› what is this?');
  });

  it('runs an approved plan with a summary table, the failed step’s log tail, and /retry resumes it', async () => {
    const r = await repl({
      'p.yaml': `name: flaky
steps:
  - id: prep
    run: [sh, -c, 'echo prepared']
  - id: flaky
    run: [sh, -c, 'echo trying; test -f marker || { touch marker; echo "first try fails" >&2; exit 3; }']
    needs: [prep]
`,
    });
    await r.type('/run p.yaml');
    await r.waitFor('Run it?');
    await r.press('y');
    const failed = await r.waitFor(/run [0-9a-f]{8} failed/, 30_000);
    expect(failed).toMatch(/step\s+command\s+agent\s+status\s+tries/);
    expect(failed).toMatch(/✔ prep\s+run:sh\s+shell\s+succeeded/);
    expect(failed).toMatch(/── flaky \(attempt 1\) log/);
    expect(failed).toContain('first try fails');
    await r.type('/retry flaky');
    const done = await r.waitFor(/run [0-9a-f]{8} succeeded/, 30_000);
    expect(done).toMatch(/✔ flaky\s+run:sh\s+shell\s+succeeded\s+2/);
    await r.type('/history');
    await r.waitFor(/1  \/run p\.yaml\n2  \/retry flaky\n3  \/history/);
  });

  it('a multi-line paste stays one request, and Ctrl-C clears it', async () => {
    const r = await repl();
    await r.press('train a decision tree on iris\rthen evaluate it');
    const frame = await r.waitFor('then evaluate it');
    expect(frame).toMatch(/› train a decision tree on iris\n\s*then evaluate it/);
    await r.press(KEY.ctrlC);
    await r.waitFor(/›\s*train a random forest on iris, then evaluate it/);
    expect(existsSync(join(r.controller.project.dir, '.baton'))).toBe(true);
  });

  it('/rollback undoes the last run\'s steps, latest first; --to keeps the step named', async () => {
    const r = await repl({
      'p.yaml': `name: undoable
steps:
  - id: a
    run: [echo, a]
    undo: { run: [sh, -c, 'echo "undo a" >> "$BATON_PROJECT_DIR/undone"'] }
  - id: b
    run: [echo, b]
    needs: [a]
    undo: { run: [sh, -c, 'echo "undo b" >> "$BATON_PROJECT_DIR/undone"'] }
`,
    });
    await r.type('/run p.yaml');
    await r.waitFor('Run it?');
    await r.press('y');
    await r.waitFor(/run [0-9a-f]{8} succeeded/, 30_000);
    await r.type('/rollback --to x');
    await r.waitFor(/--to x: run [0-9a-f]{8} has no succeeded step "x"/);
    await r.type('/rollback --to a');
    await r.waitFor(/run [0-9a-f]{8} rolled back: undid b \(latest first\)/, 30_000);
    expect(linesOf(r.controller.project.dir, 'undone')).toEqual(['undo b']);
  });

  it('/quit during a run says what becomes of it, cancels it (resumable), and leaves once it has stopped', async () => {
    const r = await repl({ 'slow.yaml': 'name: slow\nsteps:\n  - { id: waits, run: [sleep, "30"] }\n' });
    await r.type('/run slow.yaml');
    await r.waitFor('Run it?');
    await r.press('y');
    await r.waitFor(/waits on shell ▶ running/, 20_000);
    await r.type('/quit');
    await r.waitFor(/leaving once run ([0-9a-f]{8}) has stopped: it is cancelled now and can be resumed later \(baton resume\s+\1/);
    const end = await r.waitFor(/run [0-9a-f]{8} cancelled in \S+ \(cancelled as baton quit\)/, 20_000);
    expect(end).toMatch(/■ waits\s+run:sleep\s+shell\s+cancelled/);
    expect(await r.controller.statusText()).toMatch(/cancelled/);
  });

  it('/resume SESSION goes on in another session of the project, with its messages', async () => {
    const dir = tempProject();
    const first = await renderRepl(dir);
    await first.type('/plan train a decision tree on iris');
    await first.waitFor('critical path: train');
    const earlier = first.controller.sessionId;
    await first.close();

    const r = (open = await renderRepl(dir));
    expect(r.controller.sessionId).not.toBe(earlier);
    await r.type(`/resume ${earlier.slice(0, 5)}`);
    const frame = await r.waitFor(`session ${earlier} resumed (1 message):`);
    expect(frame).toMatch(/resumed \(1 message\):\n› \/plan train a decision tree on iris/);
    expect(r.controller.sessionId).toBe(earlier);
    await r.type('/sessions');
    await r.waitFor(new RegExp(`${earlier} \\(this\\)`));
  });

  it('a flagship workflow asked for in plain English shows its steps and runs whole', async () => {
    const r = await repl();
    await r.type('run the monitoring workflow');
    const plan = await r.waitFor('Run it? (y)es');
    expect(plan).toMatch(/monitor_retrain\.monitor\s+monitor/);
    await r.press('y');
    const done = await r.waitFor(/run [0-9a-f]{8} succeeded/, 60_000);
    expect(done).toMatch(/✔ monitor_retrain\.retrain\s+train/);
  });
});
