import { AGENTS, findAgent } from './registry.js';
import { EXIT_BAD_INPUT, EXIT_FAILURE, messageOf } from './lib/errors.js';
import { FlagError, createContext, readArgs, writeOutputs } from './lib/protocol.js';

/**
 * Entry of every built-in step: `main.js <builtin> [--key value ...]`. Arguments come from
 * BATON_ARGS (the engine) or flags (a person); outputs go to BATON_OUTPUT or stdout.
 */
async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  const known = AGENTS.map((a) => a.name).join(', ');
  if (!name || name === '--help' || name === '-h') {
    console.error(`usage: main.js <builtin> [--name value ...]; builtins: ${known}`);
    return EXIT_BAD_INPUT;
  }
  const agent = findAgent(name);
  if (!agent) {
    console.error(`unknown builtin "${name}"; known builtins: ${known}`);
    return EXIT_BAD_INPUT;
  }
  try {
    const ctx = createContext(agent.name);
    const outputs = await agent.run(readArgs(rest), ctx);
    writeOutputs(outputs);
    return ctx.exitCode;
  } catch (e) {
    const exitCode = e instanceof FlagError ? EXIT_BAD_INPUT : typeof (e as { exitCode?: unknown }).exitCode === 'number' ? (e as { exitCode: number }).exitCode : EXIT_FAILURE;
    console.error(`${agent.name}: ${messageOf(e)}`);
    // Stack traces are for us, not for users: only with BATON_DEBUG.
    if (process.env.BATON_DEBUG && e instanceof Error && e.stack) console.error(e.stack);
    return exitCode;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`error: ${messageOf(e)}`);
    process.exitCode = EXIT_FAILURE;
  },
);
