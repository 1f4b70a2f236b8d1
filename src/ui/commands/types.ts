import type { SessionController } from '../controller.js';

/** What a slash command asks the REPL to do; commands never render or run anything themselves. */
export type CommandResult =
  | { kind: 'message'; text: string }
  | { kind: 'plan'; request: string; run: boolean }
  | { kind: 'resume'; run?: string }
  | { kind: 'approve' }
  | { kind: 'cancel' }
  | { kind: 'retry'; step: string }
  | { kind: 'rollback'; run?: string; to?: string }
  | { kind: 'clear' }
  | { kind: 'quit' };

export interface SlashCommand {
  name: string;
  aliases: string[];
  usage: string;
  description: string;
  action(args: string, ctx: SessionController): Promise<CommandResult> | CommandResult;
}
