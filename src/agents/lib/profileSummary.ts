import type { ColumnProfile, Correlations, TargetProfile } from './profile.js';

/** A percentage to one decimal at most: 72%, 62.5%, 0.6%; never 0% for a few. */
export function percent(fraction: number): string {
  const p = fraction * 100;
  if (p > 0 && p < 0.1) return '<0.1%';
  return `${Number(p.toFixed(1))}%`;
}

const count = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, word: string): string => `${count(n)} ${word}${n === 1 ? '' : 's'}`;

function missingLine(columns: readonly ColumnProfile[]): string {
  const gappy = columns.filter((c) => c.missing > 0).sort((a, b) => b.missing - a.missing);
  if (gappy.length === 0) return 'no missing values';
  const shown = gappy.slice(0, 3).map((c) => `${c.name} ${percent(c.missing_fraction)}`);
  const more = gappy.length > 3 ? `, ${gappy.length - 3} more` : '';
  return `${plural(gappy.length, 'column')} with missing values (${shown.join(', ')}${more})`;
}

function targetLine(target: TargetProfile, profile: ColumnProfile | undefined): string {
  if (target.kind === 'numeric') return `target ${target.name}: numeric (a regression), mean ${profile?.mean ?? '?'}, std ${profile?.std ?? '?'}`;
  // Smallest class last in the text reads as "most / least", as people describe a balance.
  const shown = target.classes.slice(0, 4).map((c) => `${percent(c.fraction)} ${c.label}`);
  const more = target.classes.length > 4 ? ` / ${target.classes.length - 4} more` : '';
  const ratio = target.imbalance === null ? '' : ` (imbalance ${target.imbalance.toFixed(1)}:1)`;
  return `target ${target.name}: ${shown.join(' / ')}${more}${ratio}`;
}

/** A few lines a person reads first: size, gaps, the target's balance, the strongest correlations. */
export function summaryLines(rows: number, columns: readonly ColumnProfile[], target: TargetProfile, corr: Correlations): string[] {
  const lines = [`${plural(rows, 'row')}, ${plural(columns.length, 'column')}`, missingLine(columns), targetLine(target, columns.find((c) => c.name === target.name))];
  const strongest = corr.pairs[0];
  if (strongest) lines.push(`strongest correlation ${strongest.a} ~ ${strongest.b} ${strongest.r.toFixed(2)}`);
  const best = corr.with_target[0];
  if (best) lines.push(`strongest with target: ${best.column} ${best.r.toFixed(2)}`);
  return lines;
}

/** One line per column for the log. */
export function columnLine(c: ColumnProfile, width: number): string {
  const gaps = c.missing > 0 ? `${count(c.missing)} missing (${percent(c.missing_fraction)})` : 'no missing';
  const stats =
    c.mean !== undefined && (c.type === 'integer' || c.type === 'number')
      ? `min ${c.min} p25 ${c.p25} median ${c.p50} p75 ${c.p75} max ${c.max} mean ${c.mean} std ${c.std}`
      : `${count(c.unique)} distinct; top ${(c.top ?? []).slice(0, 3).map((t) => `${t.value} (${count(t.count)})`).join(', ')}`;
  return `${c.name.padEnd(width)}  ${c.type.padEnd(8)}  ${gaps}; ${stats}`;
}
