import { execFileSync } from 'node:child_process';

// Each test file has a tmux server of its own: files run in parallel, and a shared server that
// exits when one file kills its last session fails the other file's `new-session`.
const SOCKET = `baton-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

const run = (args: string[]): string => execFileSync('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8' });
let started = false;

/**
 * tmux on this file's own server, with no user configuration. The server keeps a session of its
 * own until `stopTmux`: a server whose last session a test killed exits, and the next test's
 * `new-session` would race its shutdown ("server exited unexpectedly").
 */
export function tmux(...args: string[]): string {
  if (!started) {
    run(['new-session', '-d', '-s', 'keepalive', 'sleep 86400']);
    started = true;
  }
  return run(args);
}

/** The pane's text, with up to 200 lines of scrollback. */
export const screen = (session: string): string => tmux('capture-pane', '-p', '-S', '-200', '-t', session);

/** Stops this file's tmux server (for `afterAll`); quiet when it has already exited. */
export function stopTmux(): void {
  try {
    if (started) run(['kill-server']);
  } catch {
    // Already gone.
  }
}

/** Waits until the pane shows `want`; on timeout the error carries the last screen, so a CI log says what was there instead. */
export async function waitForScreen(session: string, want: RegExp | string, timeoutMs: number, what: string): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = screen(session);
    if (typeof want === 'string' ? text.includes(want) : want.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen was:\n${text.trimEnd()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
