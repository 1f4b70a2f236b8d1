import type { CliOptions } from '../context.js';

/** One headless subcommand: `baton <name> ...`. `run` returns the process exit code. */
export interface Subcommand {
  name: string;
  usage: string;
  summary: string;
  run(args: string[], opts: CliOptions): Promise<number>;
}
