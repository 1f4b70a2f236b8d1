import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { App } from '../../src/ui/App.js';
import { SessionController } from '../../src/ui/controller.js';

/** Keys as a terminal sends them. */
export const KEY = { enter: '\r', tab: '\t', shiftTab: '\x1b[Z', esc: '\x1b', up: '\x1b[A', down: '\x1b[B', pageUp: '\x1b[5~', ctrlC: '\x03' } as const;

const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

/**
 * Renders an Ink element the way the tests look at it: the whole frame as text (the transcript
 * in <Static> and the live region), with keys and typing sent to its stdin.
 */
export function renderInk(element: ReactElement) {
  const r = render(element);
  // Ink in CI (CI=true) writes one blank line as it unmounts: the frame to look at is the last drawn.
  const frame = () => r.frames.findLast((f) => f.trim() !== '') ?? '';
  return {
    frame,
    unmount: () => r.unmount(),
    /** Waits until the frame matches, or fails with the frame it saw. */
    async waitFor(want: RegExp | string, timeoutMs = 10_000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = frame();
        if (typeof want === 'string' ? text.includes(want) : want.test(text)) return text;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(want)}; the frame was:\n${text}`);
        await tick(25);
      }
    },
    /** Sends keys one write at a time, letting the app render in between, as a person types. */
    async press(...keys: string[]): Promise<void> {
      for (const k of keys) {
        r.stdin.write(k);
        await tick();
      }
    },
    /** Types a line (one chunk, as a fast typist's or a paste's) and presses Enter after it shows. */
    async type(text: string): Promise<void> {
      r.stdin.write(text);
      await tick(50);
      r.stdin.write(KEY.enter);
      await tick(50);
    },
  };
}

/** The REPL on a temporary project, as `baton` opens it. */
export async function renderRepl(dir: string) {
  const controller = await SessionController.open({ dir, json: false, yes: false, debug: false });
  const view = renderInk(<App controller={controller} />);
  return {
    ...view,
    controller,
    async close(): Promise<void> {
      view.unmount();
      await controller.close();
    },
  };
}
