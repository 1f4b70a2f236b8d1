import { Box, Text } from 'ink';
import type { Question } from './clarify.js';

/** A question from the planner, with its suggestions numbered for a pick. */
export function Clarification({ question }: { question: Question }) {
  return (
    <Box flexDirection="column">
      <Text color="yellow">? {question.text}</Text>
      {question.picks.map((p, i) => (
        <Text key={i}>
          {'  '}
          <Text bold>{i + 1}</Text> {p.label}
        </Text>
      ))}
      <Text color="gray">
        {question.picks.length ? `type 1-${question.picks.length}` : 'type an answer'}
        {question.arg ? ` or the ${question.arg.name}` : question.picks.length ? ' or a new request' : ''}, then Enter · Esc drops it
      </Text>
    </Box>
  );
}

/** The lines a question takes, so the live view above it can leave the room. */
export const clarificationRows = (q: Question) => q.picks.length + 2;
