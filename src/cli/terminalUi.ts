/**
 * Loads an Ink screen for a real terminal. Ink decides once, when its module is first evaluated,
 * that a `CI` or `CONTINUOUS_INTEGRATION` variable means "write only the last frame": right for a
 * log, wrong for a person at a TTY who has CI set in their shell (and for terminal tests on a CI
 * machine), who would see no plan, no prompt and no live view. The variables are hidden only while
 * the screen's modules load; the rest of baton (an `envAllow` that passes CI to steps) sees them.
 */
export async function loadTerminalUi<T>(load: () => Promise<T>): Promise<T> {
  const hidden = ['CI', 'CONTINUOUS_INTEGRATION'].filter((k) => k in process.env).map((k) => [k, process.env[k]] as const);
  for (const [k] of hidden) delete process.env[k];
  try {
    return await load();
  } finally {
    for (const [k, v] of hidden) process.env[k] = v;
  }
}
