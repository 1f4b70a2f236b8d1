import { afterAll, describe, expect, it } from 'vitest';
import { CLI, tempProject } from '../helpers/cli.js';
import { screen, stopTmux, tmux, waitForScreen } from '../helpers/tmux.js';

// The real terminal UI, driven through tmux as a person would see it. `.ci/run` installs tmux.
// CI=true is set as CI machines set it: Ink alone would then draw no live frames.
afterAll(stopTmux);

describe('baton run in a terminal', () => {
  it('shows the live view (panes with progress, counts, step list), then the summary', async () => {
    const dir = tempProject({
      'p.yaml': `name: live-demo
steps:
  - id: prep
    run: [sh, -c, 'for i in 1 2 3 4 5 6 7 8; do echo "::progress $i/8 rows"; echo "prepared batch $i"; sleep 0.25; done']
  - id: report
    run: [echo, done]
    needs: [prep]
`,
    });
    const session = `baton-e2e-${process.pid}`;
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '30', `cd ${dir} && CI=true XDG_CONFIG_HOME=${dir}/.xdg node ${CLI} run p.yaml --yes; sleep 60`);
    try {
      await waitForScreen(session, /prep on shell ▶ running/, 20_000, 'the pane of prep');
      await waitForScreen(session, /prepared batch \d/, 10_000, 'the output of prep in its pane');
      const running = screen(session);
      expect(running).toMatch(/live-demo 0\/2 done/);
      expect(running).not.toContain('::progress');
      await waitForScreen(session, /█+░* \d\/8 rows/, 10_000, 'the progress bar');
      await waitForScreen(session, /run [0-9a-f]{8} succeeded/, 30_000, 'the summary');
      const done = screen(session);
      expect(done).toMatch(/step\s+command\s+agent\s+status/);
      expect(done).toMatch(/✔ report\s+run:echo/);
    } finally {
      tmux('kill-session', '-t', session);
    }
  });
});
