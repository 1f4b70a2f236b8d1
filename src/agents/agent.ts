import type { Args, Outputs, StepContext } from './lib/protocol.js';

/** One built-in step program: `node dist/src/agents/main.js <name>` runs it. */
export interface Agent {
  name: string;
  summary: string;
  run(args: Args, ctx: StepContext): Outputs | Promise<Outputs>;
}
