import { render } from 'ink';
import type { CliOptions } from '../cli/context.js';
import { App } from './App.js';
import { SessionController } from './controller.js';

/** `baton` on a terminal: the REPL, until /quit or Ctrl-D. */
export async function startRepl(opts: CliOptions, which?: { continue: true } | { id: string }): Promise<number> {
  const controller = await SessionController.open(opts, which);
  try {
    // Ctrl-C is the App's to handle: it cancels a run before it quits.
    const app = render(<App controller={controller} />, { exitOnCtrlC: false });
    await app.waitUntilExit();
    return 0;
  } finally {
    await controller.close();
  }
}
