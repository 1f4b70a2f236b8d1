import { Static, Text } from 'ink';

export interface Item {
  id: number;
  kind: 'user' | 'info' | 'error' | 'plan' | 'summary' | 'question';
  text: string;
}

const PREFIX: Record<Item['kind'], string> = { user: '› ', info: '', error: '✖ ', plan: '', summary: '', question: '? ' };
const COLOR: Partial<Record<Item['kind'], string>> = { user: 'cyan', error: 'red', question: 'yellow' };

/** One finished item of the conversation: what was typed, a plan, a summary, an answer. */
export function TranscriptItem({ item }: { item: Item }) {
  return (
    <Text color={COLOR[item.kind]}>
      {PREFIX[item.kind]}
      {item.text}
    </Text>
  );
}

/** The conversation so far, written once each: Ink never redraws what is in <Static>. */
export function Transcript({ items }: { items: Item[] }) {
  return <Static items={items}>{(item) => <TranscriptItem key={item.id} item={item} />}</Static>;
}
