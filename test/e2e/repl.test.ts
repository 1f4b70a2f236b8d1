import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, linesOf, tempProject } from '../helpers/cli.js';
import { screen, stopTmux, tmux, waitForScreen } from '../helpers/tmux.js';

/** Types like a person: the text, then Enter on its own (a pasted line with a newline is not a submit). */
async function type(session: string, text: string): Promise<void> {
  tmux('send-keys', '-t', session, '-l', text);
  await new Promise((r) => setTimeout(r, 300));
  tmux('send-keys', '-t', session, 'Enter');
}

afterAll(stopTmux);

describe('the REPL in a real terminal', () => {
  it('help, a request planned, approved and run with a summary, then /quit', async () => {
    const dir = tempProject();
    const session = `baton-repl-${process.pid}`;
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', `cd ${dir} && CI=true XDG_CONFIG_HOME=${dir}/.xdg node ${CLI}; echo BATON-EXITED-$?; sleep 60`);
    try {
      await waitForScreen(session, 'Type a request in plain English, or /help.', 20_000, 'the welcome line');
      await new Promise((r) => setTimeout(r, 500));
      await type(session, '/help');
      await waitForScreen(session, /\/runs\s+the runs of this project/, 10_000, 'the help');
      await type(session, 'train a decision tree on iris then evaluate it');
      await waitForScreen(session, 'Run it? (y)es / (n)o', 10_000, 'the approval question');
      expect(screen(session)).toMatch(/★ critical path: train → evaluate/);
      tmux('send-keys', '-t', session, 'y');
      await waitForScreen(session, /run [0-9a-f]{8} succeeded/, 30_000, 'the run summary');
      expect(screen(session)).toMatch(/✔ evaluate\s+evaluate\s+evaluator\s+succeeded/);
      await type(session, '/stauts');
      await waitForScreen(session, 'unknown command /stauts (did you mean "/status"?)', 10_000, 'the did-you-mean');
      await type(session, '/quit');
      await waitForScreen(session, 'BATON-EXITED-0', 10_000, 'baton to exit');
      tmux('kill-session', '-t', session);

      // --continue reopens the session with its transcript.
      tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', `cd ${dir} && XDG_CONFIG_HOME=${dir}/.xdg node ${CLI} --continue; sleep 60`);
      await waitForScreen(session, /session [0-9a-f]{8} continued/, 20_000, 'the continued session');
      const restored = screen(session);
      expect(restored).toContain('› train a decision tree on iris then evaluate it');
      expect(restored).toMatch(/run [0-9a-f]{8} succeeded/);
      await new Promise((r) => setTimeout(r, 500));
      await type(session, '/sessions');
      await waitForScreen(session, /\(this\)\s+\S+ ago\s+1\s+train a decision tree on iris then evaluate it/, 10_000, 'the session list');
    } finally {
      tmux('kill-session', '-t', session);
    }
  });

  it('Ctrl-C cancels a run (resumable) and twice quits; the input history survives a restart', async () => {
    const dir = tempProject();
    const session = `baton-repl-c-${process.pid}`;
    const start = () => tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', `cd ${dir} && XDG_CONFIG_HOME=${dir}/.xdg node ${CLI}; echo BATON-EXITED-$?; sleep 60`);
    start();
    try {
      await waitForScreen(session, 'or /help.', 20_000, 'the welcome line');
      await new Promise((r) => setTimeout(r, 500));
      await type(session, 'run `sleep 30`');
      await waitForScreen(session, 'Run it? (y)es / (n)o', 10_000, 'the approval question');
      tmux('send-keys', '-t', session, 'y');
      await waitForScreen(session, /shell on shell ▶ running/, 10_000, 'the running pane');
      tmux('send-keys', '-t', session, 'C-c');
      await waitForScreen(session, /run [0-9a-f]{8} cancelled/, 20_000, 'the cancelled summary');
      expect(screen(session)).toMatch(/cancelling run [0-9a-f]{8}: its steps are stopped and it can be resumed/);
      tmux('send-keys', '-t', session, 'C-c');
      await waitForScreen(session, 'press Ctrl-C again to quit', 10_000, 'the quit warning');
      tmux('send-keys', '-t', session, 'C-c');
      await waitForScreen(session, 'BATON-EXITED-0', 10_000, 'baton to exit');
      tmux('kill-session', '-t', session);

      start();
      await waitForScreen(session, 'or /help.', 20_000, 'the welcome line again');
      await new Promise((r) => setTimeout(r, 500));
      tmux('send-keys', '-t', session, 'Up');
      await waitForScreen(session, /› run `sleep 30`\s*$/m, 10_000, 'the last input from the history');
    } finally {
      tmux('kill-session', '-t', session);
    }
  });

  it('baton killed during a run: the next launch says so, and /resume finishes the run in the live view', async () => {
    const dir = tempProject({
      'slow.yaml': `name: slow
steps:
  - id: a
    run: [sh, -c, 'echo a >> "$BATON_PROJECT_DIR/effects"']
  - id: b
    run: [sh, -c, 'sleep 2; echo b >> "$BATON_PROJECT_DIR/effects"']
    needs: [a]
`,
    });
    const session = `baton-repl-k-${process.pid}`;
    const start = () => tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', `cd ${dir} && XDG_CONFIG_HOME=${dir}/.xdg exec node ${CLI}`);
    start();
    try {
      await waitForScreen(session, 'or /help.', 20_000, 'the welcome line');
      await new Promise((r) => setTimeout(r, 500));
      await type(session, '/run slow.yaml');
      await waitForScreen(session, 'Run it? (y)es / (n)o', 10_000, 'the approval question');
      tmux('send-keys', '-t', session, 'y');
      await waitForScreen(session, /b on shell ▶ running/, 10_000, 'step b running');
      const pid = tmux('display-message', '-p', '-t', session, '#{pane_pid}').trim();
      execFileSync('kill', ['-9', pid]);
      await new Promise((r) => setTimeout(r, 300));
      try {
        tmux('kill-session', '-t', session);
      } catch {
        // The pane died with baton.
      }
      start();
      await waitForScreen(session, /run ([0-9a-f]{8}) was interrupted at b \(attempt 1\): \/resume \1 to continue/, 20_000, 'the interrupted-run notice');
      await new Promise((r) => setTimeout(r, 300));
      await type(session, '/resume');
      await waitForScreen(session, /run [0-9a-f]{8} succeeded/, 20_000, 'the resumed run to finish');
      expect(linesOf(dir, 'effects')).toEqual(['a', 'b']);
    } finally {
      try {
        tmux('kill-session', '-t', session);
      } catch {
        // Already gone.
      }
    }
  });

  it('during a run: a request is queued, Tab focuses a pane, z zooms, c cancels that step, then the queued plan runs', async () => {
    const dir = tempProject({
      'long.yaml': `name: long
steps:
  - id: waits
    run: [sh, -c, 'for i in $(seq 1 300); do echo "waiting $i"; sleep 0.1; done']
  - id: quick
    run: [echo, quick done]
`,
      'next.yaml': 'name: next\nsteps:\n  - { id: after, run: [echo, the queued plan ran] }\n',
    });
    const session = `baton-repl-q-${process.pid}`;
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', `cd ${dir} && XDG_CONFIG_HOME=${dir}/.xdg node ${CLI}; sleep 60`);
    try {
      await waitForScreen(session, 'or /help.', 20_000, 'the welcome line');
      await new Promise((r) => setTimeout(r, 500));
      await type(session, '/run long.yaml');
      await waitForScreen(session, 'Run it? (y)es / (n)o', 10_000, 'the approval question');
      tmux('send-keys', '-t', session, 'y');
      await waitForScreen(session, /waits on shell ▶ running/, 10_000, 'the pane of waits');
      await waitForScreen(session, /✔ quick/, 10_000, 'quick to finish');

      await type(session, '/run next.yaml');
      await waitForScreen(session, 'Queue it after this run? (y)es', 10_000, 'the queue question');
      tmux('send-keys', '-t', session, 'y');
      await waitForScreen(session, /queued: it runs when run [0-9a-f]{8} ends/, 10_000, 'the queued notice');
      await waitForScreen(session, /queued after this run: next\.yaml/, 10_000, 'the queue line');

      tmux('send-keys', '-t', session, 'Tab');
      await waitForScreen(session, /╔.*\n║ waits on shell/, 10_000, 'the focused pane');
      tmux('send-keys', '-t', session, 'z');
      // More output than the pane shows, so there is something to scroll back to.
      await waitForScreen(session, /waiting 6\d/, 15_000, 'more output than the pane holds');
      tmux('send-keys', '-t', session, 'Up', 'Up', 'Up');
      await waitForScreen(session, /⏸ scrolled up: \d+ newer lines? below/, 10_000, 'the scrolled marker');
      tmux('send-keys', '-t', session, 'c');
      await waitForScreen(session, /cancelling waits \(attempt 1\)/, 10_000, 'the step cancelled');
      await waitForScreen(session, /run [0-9a-f]{8} cancelled/, 20_000, 'the first run to end');
      await waitForScreen(session, /starting the queued plan: next\.yaml/, 10_000, 'the queued plan to start');
      const done = await waitForScreen(session, /run [0-9a-f]{8} succeeded/, 20_000, 'the queued plan to finish');
      expect(done).toMatch(/■ waits\s+run:sh\s+shell\s+cancelled/);
      expect(done).toMatch(/✔ after\s+run:echo\s+shell\s+succeeded/);
    } finally {
      tmux('kill-session', '-t', session);
    }
  });
});
