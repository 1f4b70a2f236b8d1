import { DamerauLevenshteinDistance } from 'natural/lib/natural/distance/index.js';

/** The closest known name to a misspelt one, for "did you mean" hints; undefined when nothing is close. */
export function closest(word: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = word.toLowerCase();
  for (const candidate of known) {
    const d = DamerauLevenshteinDistance(lower, candidate.toLowerCase(), {});
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const allowed = Math.max(1, Math.floor(word.length / 3));
  return bestDistance <= allowed ? best : undefined;
}

export function didYouMean(word: string, known: Iterable<string>): string | undefined {
  const match = closest(word, known);
  return match ? `did you mean "${match}"?` : undefined;
}
