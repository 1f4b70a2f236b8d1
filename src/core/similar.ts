import { DamerauLevenshteinDistance } from 'natural/lib/natural/distance/index.js';

/** Names longer than this are no typo of anything, and comparing a megabyte-long one would take seconds. */
const MAX_NAME = 64;

/**
 * Hints for the first problems only: a plan with 10,000 unknown names would spend minutes on
 * them, and the first screenful is what a person reads.
 */
export const MAX_HINTS = 20;

/** The closest known name to a misspelt one, for "did you mean" hints; undefined when nothing is close. */
export function closest(word: string, known: Iterable<string>): string | undefined {
  if (word.length > MAX_NAME) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = word.toLowerCase();
  const allowed = Math.max(1, Math.floor(word.length / 3));
  for (const candidate of known) {
    const other = candidate.toLowerCase();
    // The distance is at least the difference in length, so these could never be close enough.
    if (Math.abs(other.length - lower.length) > allowed) continue;
    const d = DamerauLevenshteinDistance(lower, other, {});
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= allowed ? best : undefined;
}

export function didYouMean(word: string, known: Iterable<string>): string | undefined {
  const match = closest(word, known);
  return match ? `did you mean "${match}"?` : undefined;
}

/** A name from outside, quoted for a message: escaped like JSON, and cut when long. */
export function shown(name: string, max = 60): string {
  return JSON.stringify(name.length > max ? `${name.slice(0, max)}…` : name);
}
