/**
 * The first pass over a request: pieces that must survive intact (quoted or back-ticked command
 * lines, URLs, file paths) are set aside behind placeholders, and the rest is lower-cased and
 * tidied, so clause splitting and slot extraction never cut a path or a command in two.
 */
export interface Prepared {
  /** Lower-cased text with `⟦q0⟧`, `⟦p0⟧` placeholders. */
  text: string;
  quotes: string[];
  paths: string[];
}

const QUOTED = /`([^`]+)`|"([^"]+)"|'([^']{2,})'|“([^”]+)”/g;
const URL = /\b(?:https?|s3|gs|hdfs|file):\/\/[^\s,;]+/gi;
/** A path has an extension, or starts like one (./, ../, ~/, /); "70/30" and "train/test" are not paths. */
const PATH = /(?:^|(?<=[\s(]))(?:(?:~|\.{1,2})?\/(?:[\w.-]+\/)*[\w-]+(?:\.\w+)*|(?:[\w.-]+\/)*[\w-]+(?:\.[\w-]+)*\.(?:csv|tsv|json|jsonl|parquet|yaml|yml|txt|py|ipynb|pkl|pt|pth|onnx|h5|joblib|zip|gz|bin|safetensors|xlsx))\b/gi;
const TITLE = /\b(titled|called|named|with the title|entitled)\s+([A-Z][\w-]*(?:\s+(?:[A-Z0-9][\w-]*|v\d[\w.]*))*)/g;

export const MAX_REQUEST = 10_000;

export function prepare(raw: string): Prepared {
  // Control characters never carry meaning in a request; long input is cut, not choked on. The
  // marks used below for placeholders and splitting are taken out too: a request that types
  // "⟦p0⟧" must not name a path it never gave.
  let text = raw.slice(0, MAX_REQUEST).replace(/[\u0000-\u0008\u000b-\u001f\u007f⟦⟧¦]/g, ' ');
  const quotes: string[] = [];
  const paths: string[] = [];
  text = text.replace(QUOTED, (_m, a?: string, b?: string, c?: string, d?: string) => {
    quotes.push((a ?? b ?? c ?? d ?? '').trim());
    return ` ⟦q${quotes.length - 1}⟧ `;
  });
  // A title keeps its case: "a report titled Churn Experiments".
  text = text.replace(TITLE, (_m, lead: string, title: string) => {
    quotes.push(title.trim());
    return `${lead} ⟦q${quotes.length - 1}⟧ `;
  });
  text = text.replace(URL, (m) => {
    paths.push(m.replace(/[.)]+$/, ''));
    return ` ⟦p${paths.length - 1}⟧ `;
  });
  text = text.replace(PATH, (m) => {
    paths.push(m.replace(/\.$/, ''));
    return ` ⟦p${paths.length - 1}⟧ `;
  });
  text = text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    // "roll it back", "roll staging back to v1": one verb.
    .replace(/\broll(?:s|ing|ed)?\s+((?:[\w⟦⟧]+\s+){0,3}?)back\b/g, 'rollback $1')
    // "a train/test split", "split it into train and test": the split, not training or testing.
    .replace(/\btrain\s*(?:\/|-|and|\s)\s*test\s+split\b/g, 'split')
    .replace(/\binto\s+(?:a\s+)?train(?:ing)?\s+(?:and|\/)\s+test(?:ing)?(?:\s+sets?)?\b/g, 'into two parts')
    .replace(/\b(\d+(?:\.\d+)?)\s*(%|percent)\s+(?:for\s+)?test(?:ing)?\b/g, '$1% holdout')
    // "orchestrate a complete pipeline with preprocessing, training and evaluation phases":
    // the phases are the request; the words that frame them are not.
    .replace(
      /(?:^|(?<=[.;]\s))(?:please\s+)?(?:(?:orchestrate|set up|build|create|run|design|make|give me|i need|i want|do)\s+(?:a|an|the|my|our)?|(?:a|an|the|my|our)(?=\s))\s*(?:[\w-]+\s+){0,4}?(?:pipeline|workflow|loop|process)\b((?:\s+(?:on|for)\s+⟦p\d+⟧)?)[^.;:⟦]*?\bwith\b(?:\s+(?:the\s+)?(?:following\s+)?(?:phases|stages|steps))?\s*:?\s*/g,
      (_m, on: string) => (on ? `${on.trim()} ` : ''),
    )
    .replace(/\s+(?:phases|stages)\b/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return { text, quotes, paths };
}

/** Words of a clause, placeholders kept whole. */
export function words(text: string): string[] {
  return text.match(/⟦[qp]\d+⟧|[a-z0-9][a-z0-9_.%/-]*|[<>]=?|=/g) ?? [];
}
