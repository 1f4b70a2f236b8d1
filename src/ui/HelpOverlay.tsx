import { Box, Text } from 'ink';
import { KEY_BINDINGS, type KeyContext } from './keys.js';

const TITLES: Record<KeyContext, string> = { input: 'At the input line', confirm: 'At a plan waiting for an answer', panes: 'In the panes of a run (Tab from the input)' };

/** `?`: every key, where it works, from the one table the REPL dispatches with. */
export function HelpOverlay({ rows }: { rows: number }) {
  const width = Math.max(...KEY_BINDINGS.map((b) => b.keys.length));
  const lines: { title?: string; keys?: string; text?: string }[] = [];
  for (const context of ['input', 'confirm', 'panes'] as const) {
    lines.push({ title: TITLES[context] });
    for (const b of KEY_BINDINGS.filter((k) => k.contexts.includes(context))) lines.push({ keys: b.keys, text: b.description });
  }
  // Never taller than the room it has: a frame taller than the terminal makes Ink clear the screen.
  const shown = lines.slice(0, Math.max(1, rows - 3));
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={1}>
      {shown.map((l, i) =>
        l.title ? (
          <Text key={i} bold>
            {l.title}
          </Text>
        ) : (
          <Text key={i} wrap="truncate">
            {'  '}
            <Text color="cyan">{(l.keys ?? '').padEnd(width)}</Text> {l.text}
          </Text>
        ),
      )}
      <Text color="gray">{shown.length < lines.length ? `… ${lines.length - shown.length} more (a taller terminal shows them) · ` : ''}any key closes this</Text>
    </Box>
  );
}
