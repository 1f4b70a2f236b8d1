import type { Cell } from './table.js';

export interface DateTime {
  year: number;
  month: number;
  day: number;
  /** 0 = Monday ... 6 = Sunday, as pandas counts. */
  weekday: number;
  hour: number;
  hasTime: boolean;
}

// ISO-like dates only: Date.parse also accepts "1" or "May", which would turn codes into dates.
const DATE = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?$/i;

/** The calendar parts of a date as written (no time-zone shift), or undefined if it is no date. */
export function parseDateTime(value: Cell): DateTime | undefined {
  if (typeof value !== 'string') return undefined;
  const m = DATE.exec(value.trim());
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const when = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2024-02-31 over into March; a real date comes back unchanged.
  if (when.getUTCMonth() !== month - 1 || when.getUTCDate() !== day || hour > 23) return undefined;
  return { year, month, day, weekday: (when.getUTCDay() + 6) % 7, hour, hasTime: m[4] !== undefined };
}

/** A column whose present values are all dates; `hasTime` when any carries a time of day. */
export function dateColumn(values: readonly Cell[]): { hasTime: boolean } | undefined {
  let any = false;
  let hasTime = false;
  for (const v of values) {
    if (v === null) continue;
    const d = parseDateTime(v);
    if (!d) return undefined;
    any = true;
    hasTime ||= d.hasTime;
  }
  return any ? { hasTime } : undefined;
}

export const DATE_PARTS = ['year', 'month', 'day', 'weekday'] as const;
