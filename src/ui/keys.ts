import type { Key } from 'ink';

/** What a key means, whatever key it is: the REPL acts on these, never on raw keys. */
export type KeyCommand =
  | 'interrupt'
  | 'quit'
  | 'help'
  | 'back'
  | 'focusNext'
  | 'focusPrev'
  | 'zoom'
  | 'scrollUp'
  | 'scrollDown'
  | 'pageUp'
  | 'pageDown'
  | 'follow'
  | 'cancelStep'
  | 'retryStep'
  | 'historyPrev'
  | 'historyNext'
  | 'complete'
  | 'approve'
  | 'reject'
  | 'edit';

/**
 * Where the keyboard is: the input line, a plan waiting for an answer, or the panes of a run
 * (Tab from the input while a run is live). The same key means different things in each.
 */
export type KeyContext = 'input' | 'confirm' | 'panes';

interface Binding {
  command: KeyCommand;
  keys: string;
  description: string;
  contexts: readonly KeyContext[];
  matches(ch: string, key: Key): boolean;
}

const char = (...cs: string[]) => (ch: string, key: Key) => !key.ctrl && !key.meta && cs.includes(ch);

/** Every key binding of the REPL, in the order the `?` overlay lists them. */
export const KEY_BINDINGS: readonly Binding[] = [
  { command: 'interrupt', keys: 'Ctrl-C', description: 'cancel what is going on (twice: quit; during a run: kill it)', contexts: ['input', 'confirm', 'panes'], matches: (ch, k) => k.ctrl && ch === 'c' },
  { command: 'quit', keys: 'Ctrl-D', description: 'leave Baton (as /quit)', contexts: ['input'], matches: (ch, k) => k.ctrl && ch === 'd' },
  { command: 'approve', keys: 'y / Enter', description: 'run the plan shown (queue it while a run goes on)', contexts: ['confirm'], matches: (ch, k) => k.return || char('y', 'Y')(ch, k) },
  { command: 'reject', keys: 'n / Esc', description: 'do not run it', contexts: ['confirm'], matches: (ch, k) => k.escape || char('n', 'N')(ch, k) },
  { command: 'edit', keys: 'e', description: 'put the request back in the input line to change it', contexts: ['confirm'], matches: char('e', 'E') },
  { command: 'reject', keys: 'Esc', description: 'drop the question the planner asked', contexts: ['input'], matches: (_, k) => k.escape },
  { command: 'historyPrev', keys: 'Up', description: 'the previous input (history is kept per project)', contexts: ['input'], matches: (_, k) => k.upArrow },
  { command: 'historyNext', keys: 'Down', description: 'the next input', contexts: ['input'], matches: (_, k) => k.downArrow },
  { command: 'complete', keys: 'Tab', description: 'complete a /command (during a run: focus the panes)', contexts: ['input'], matches: (_, k) => k.tab && !k.shift },
  { command: 'focusNext', keys: 'Tab', description: 'focus the next pane (running steps, then failed ones)', contexts: ['panes'], matches: (_, k) => k.tab && !k.shift },
  { command: 'focusPrev', keys: 'Shift-Tab', description: 'focus the previous pane', contexts: ['panes', 'input'], matches: (_, k) => k.tab && k.shift },
  { command: 'zoom', keys: 'z', description: 'zoom the focused pane to the whole view, or back', contexts: ['panes'], matches: char('z', 'Z') },
  { command: 'scrollUp', keys: 'Up', description: 'scroll the focused pane up a line (pauses auto-follow)', contexts: ['panes'], matches: (_, k) => k.upArrow },
  { command: 'scrollDown', keys: 'Down', description: 'scroll it down a line', contexts: ['panes'], matches: (_, k) => k.downArrow },
  { command: 'pageUp', keys: 'PgUp', description: 'scroll it up a page', contexts: ['panes'], matches: (_, k) => k.pageUp },
  { command: 'pageDown', keys: 'PgDn', description: 'scroll it down a page', contexts: ['panes'], matches: (_, k) => k.pageDown },
  { command: 'follow', keys: 'End / f', description: 'follow the output again (back to the bottom)', contexts: ['panes'], matches: (ch, k) => k.end || char('f', 'F')(ch, k) },
  { command: 'cancelStep', keys: 'c', description: 'cancel the focused step (the rest of the run goes on)', contexts: ['panes'], matches: char('c', 'C') },
  { command: 'retryStep', keys: 'r', description: 'retry the focused failed step', contexts: ['panes'], matches: char('r', 'R') },
  { command: 'help', keys: '?', description: 'this list of keys (on an empty input line)', contexts: ['panes', 'input'], matches: char('?') },
  { command: 'back', keys: 'Esc', description: 'back to the input line (closes this list)', contexts: ['panes'], matches: (_, k) => k.escape },
];

/** The command a key means where the keyboard is, if any. */
export function commandFor(ch: string, key: Key, context: KeyContext): KeyCommand | undefined {
  return KEY_BINDINGS.find((b) => b.contexts.includes(context) && b.matches(ch, key))?.command;
}
