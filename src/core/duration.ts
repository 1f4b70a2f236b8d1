import { ValidationError } from './errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/**
 * The longest duration Node's timers keep, about 24.8 days: a longer timeout or retry delay would
 * fire at once (Node warns and waits 1 ms), so a 30d timeout would kill its step immediately.
 */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/** Parses `500ms`, `30s`, `10m`, `1h30m` or a bare number of seconds into milliseconds. */
export function parseDuration(value: string | number, field = 'duration'): number {
  const ms = Math.round(millis(value, field));
  if (ms > MAX_DURATION_MS) throw new ValidationError(`${field}: ${typeof value === 'number' ? value : `"${value.slice(0, 40)}"`} is longer than Baton can time (at most 24d)`);
  // -0 (from `timeout: -0`) reads as 0 everywhere after.
  return ms === 0 ? 0 : ms;
}

function millis(value: string | number, field: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new ValidationError(`${field}: ${value} is not a duration`);
    return value * 1000;
  }
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  let total = 0;
  let consumed = '';
  for (const m of text.matchAll(PART)) {
    total += Number(m[1]) * (UNITS[m[2] ?? 's'] ?? 1000);
    consumed += m[0];
  }
  if (consumed.length === 0 || consumed !== text.replace(/\s+/g, '')) {
    throw new ValidationError(`${field}: "${value}" is not a duration (write it like 500ms, 30s, 10m or 1h30m)`);
  }
  return total;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
